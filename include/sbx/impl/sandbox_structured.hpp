#pragma once

#include "sbx/structured.hpp"

namespace sbx {

template <class T>
awaitable<T> Sandbox::exec_as(std::string command, ExecOptions options) {
  const auto result = co_await exec(std::move(command), std::move(options));
  detail::require_success_for_parsing(result);
  co_return parse_as<T>(result.std_out);
}

template <class T>
awaitable<T> Sandbox::exec_as(argv command, ExecOptions options, bool inject_schema) {
  if (inject_schema && !command.args.empty()) command.args.back() += " " + json_schema<T>();
  const auto result = co_await exec(std::move(command), std::move(options));
  detail::require_success_for_parsing(result);
  co_return parse_as<T>(result.std_out);
}

template <class T>
awaitable<T> Sandbox::run_code_as(std::string code, std::string language, ExecOptions options) {
  const auto result = co_await run_code(std::move(code), std::move(language), std::move(options));
  detail::require_success_for_parsing(result);
  co_return parse_as<T>(result.std_out);
}

}  // namespace sbx
