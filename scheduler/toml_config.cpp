#include "toml_config.hpp"

#include "sbx/errors.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cpptoml.h>

#include <sstream>

namespace sbx::scheduler {
namespace {

namespace json = boost::json;

template <class T>
std::string iso(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

json::value convert(const std::shared_ptr<cpptoml::base>& node);

json::object convert_table(const cpptoml::table& table) {
  json::object out;
  for (const auto& [key, value] : table) out[key] = convert(value);
  return out;
}

json::value convert(const std::shared_ptr<cpptoml::base>& node) {
  if (const auto table = node->as_table()) return convert_table(*table);
  if (const auto tables = node->as_table_array()) {
    json::array out;
    for (const auto& table : *tables) out.push_back(convert_table(*table));
    return out;
  }
  if (const auto array = node->as_array()) {
    json::array out;
    for (const auto& element : *array) out.push_back(convert(element));
    return out;
  }
  if (const auto v = node->as<std::string>()) return json::value(v->get());
  if (const auto v = node->as<std::int64_t>()) return json::value(v->get());
  if (const auto v = node->as<double>()) return json::value(v->get());
  if (const auto v = node->as<bool>()) return json::value(v->get());
  if (const auto v = node->as<cpptoml::offset_datetime>()) return json::value(iso(v->get()));
  if (const auto v = node->as<cpptoml::local_datetime>()) return json::value(iso(v->get()));
  if (const auto v = node->as<cpptoml::local_date>()) return json::value(iso(v->get()));
  if (const auto v = node->as<cpptoml::local_time>()) return json::value(iso(v->get()));
  return nullptr;
}

}  // namespace

json::value toml_to_json(std::string_view text, const std::string& source) {
  std::istringstream in{std::string(text)};
  try {
    return convert_table(*cpptoml::parser(in).parse());
  } catch (const cpptoml::parse_exception& e) {
    throw SandboxConfigurationError("router config is not valid TOML: " + std::string(e.what()),
                                    {.op = "router_config", .context = {{"path", source}}});
  }
}

}  // namespace sbx::scheduler
