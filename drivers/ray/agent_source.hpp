// The exec agent's Python source (agent/sbx_ray_agent.py), embedded at build time.
#pragma once

#include <string_view>

namespace sbx::drivers::ray {

/// The agent program, byte for byte as in agent/sbx_ray_agent.py.
std::string_view agent_source();

}  // namespace sbx::drivers::ray
