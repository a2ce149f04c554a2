// sbx: one C++20 coroutine API over many code-execution sandbox providers.
#pragma once

#include "sbx/agents.hpp"
#include "sbx/blocking.hpp"
#include "sbx/capabilities.hpp"
#include "sbx/client.hpp"
#include "sbx/driver.hpp"
#include "sbx/errors.hpp"
#include "sbx/log.hpp"
#include "sbx/options.hpp"
#include "sbx/presets.hpp"
#include "sbx/registry.hpp"
#include "sbx/sandbox.hpp"
#include "sbx/structured.hpp"
#include "sbx/types.hpp"
#include "sbx/workspace.hpp"
