#include "cloud/e2b_protocol.hpp"

#include "codecs/connect_envelope.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sbx_bench {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

json::object create_body() {
  return {{"templateID", "base"},  {"timeout", 300},  {"envVars", json::object{}}, {"metadata", json::object{}},
          {"allow_internet_access", true}, {"secure", true}, {"autoPause", false}};
}

}  // namespace

json::object e2b_driver_options(const std::string& url) {
  return {{"api_url", url}, {"envd_url", url}, {"api_key", e2b_bench_key}, {"create_rate", 0}, {"max_running", 0}};
}

raw_protocol e2b_raw_protocol(const std::string& command, const std::string& path, const std::string& content) {
  raw_protocol p;
  p.create = {.method = http::verb::post, .target = "/sandboxes", .body = json::serialize(create_body()),
              .headers = {{"X-API-Key", e2b_bench_key}, {"Content-Type", "application/json"}}};
  const json::object start{
      {"process", {{"cmd", "/bin/sh"}, {"args", json::array{"-c", command}}, {"envs", json::object{}}}}};
  const auto start_body = sbx::connect::make_envelope(json::serialize(start));
  p.after_create = [start_body, path, content](std::string_view answer) {
    const auto created = json::parse(answer).as_object();
    const std::string id(created.at("sandboxID").as_string());
    const std::string token(created.at("envdAccessToken").as_string());
    const std::vector<std::pair<std::string, std::string>> envd{
        {"E2b-Sandbox-Id", id}, {"E2b-Sandbox-Port", "49983"}, {"X-Access-Token", token}};
    auto with = [&envd](std::vector<std::pair<std::string, std::string>> extra) {
      extra.insert(extra.end(), envd.begin(), envd.end());
      return extra;
    };
    const auto files = "/files?path=" + path;
    return std::vector<raw_request>{
        {.method = http::verb::post, .target = "/process.Process/Start", .body = start_body,
         .headers = with({{"Content-Type", "application/connect+json"}, {"Connect-Protocol-Version", "1"}})},
        {.method = http::verb::post, .target = files, .body = content,
         .headers = with({{"Content-Type", "application/octet-stream"}})},
        {.method = http::verb::get, .target = files, .headers = envd},
        {.method = http::verb::delete_, .target = "/sandboxes/" + id, .headers = {{"X-API-Key", e2b_bench_key}}}};
  };
  return p;
}

}  // namespace sbx_bench
