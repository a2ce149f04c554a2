// The fakes' own control API (never subject to faults):
//   GET  /_fake/stats      {"live_sandboxes", "created", "removed", "requests", "faults": {...}}
//   GET  /_fake/faults     the fault configuration (see fault_config)
//   POST /_fake/faults     replaces it with the JSON body; 400 names a bad key
//   DELETE /_fake/sandboxes  ends every sandbox
#pragma once

#include "fakes/common/fake_server.hpp"
#include "fakes/common/sandbox_registry.hpp"

#include <boost/json/object.hpp>

namespace sbx_fake {

/// The body of GET /_fake/stats.
boost::json::object stats_json(const fake_server& server, const sandbox_registry& registry);

/// Adds the /_fake/ routes to `server`.
void add_control_routes(fake_server& server, sandbox_registry& registry);

}  // namespace sbx_fake
