#include "json_fields.hpp"
#include "sbx/errors.hpp"
#include "sbx/types.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sbx {

std::string SessionState::to_json() const {
  return boost::json::serialize(boost::json::object{{"backend", backend}, {"data", data}});
}

SessionState SessionState::from_json(std::string_view json) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(json, ec);
  if (ec) throw SandboxConfigurationError("session state is not valid JSON: " + ec.message());
  if (!doc.is_object()) throw SandboxConfigurationError("session state must be a JSON object");
  const detail::json_reader in{doc.get_object(), "session state"};
  return {in.required_string("backend"), in.required_object("data")};
}

}  // namespace sbx
