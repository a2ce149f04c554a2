// Maps (method, path pattern) to handlers. Patterns are literal segments and "{name}"
// captures: "/sandboxes/{id}/timeout".
#pragma once

#include "fakes/common/exchange.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sbx_fake {

using handler = std::function<awaitable<void>(exchange&)>;

/// A route table searched in insertion order.
class router {
 public:
  /// Adds a route; `method` verb::unknown matches any method.
  void add(http::verb method, std::string pattern, handler h);

  /// A route's handler and captures.
  struct match_result {
    const handler* h = nullptr;
    std::map<std::string, std::string, std::less<>> params;
  };
  /// The first route matching `method` and `path`; nullopt when none does. When only
  /// the method differs, `method_mismatch` is set (for 405 answers).
  std::optional<match_result> match(http::verb method, std::string_view path,
                                    bool* method_mismatch = nullptr) const;

 private:
  struct route {
    http::verb method;
    std::vector<std::string> segments;
    handler h;
  };
  std::vector<route> routes_;
};

/// The '/'-separated segments of `path` (empty segments dropped).
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace sbx_fake
