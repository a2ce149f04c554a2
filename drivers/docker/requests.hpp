// Request targets and bodies of the Engine API calls the driver makes (pure functions,
// unit-tested against the wire facts in specs/docker-engine-api.md).
#pragma once

#include "sbx/types.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sbx::drivers::docker {

/// Percent-encodes a query value: everything but RFC 3986 unreserved characters.
std::string query_value(std::string_view value);

/// Percent-encodes an image reference for use in a path ("/images/<ref>/json"): as
/// query_value, but '/', ':' and '@' stay (the daemon's router expects them raw).
std::string image_path(std::string_view reference);

/// An image reference split the way POST /images/create wants it.
struct image_reference {
  std::string repository;  // "python", "registry:5000/team/app", or "repo@sha256:..."
  std::string tag;         // "3.12-slim", "latest" when absent, empty for a digest
};

/// Splits "name[:tag][@digest]": the tag is after the last ':' only when that ':' comes
/// after the last '/' (a registry port is not a tag); a digest keeps the whole reference
/// as the repository with no tag; no tag means "latest" (never "all tags").
image_reference split_image_reference(std::string_view reference);

/// "/images/create?fromImage=<repo>[&tag=<tag>]" (unversioned; the engine adds the prefix).
std::string pull_target(const image_reference& image);

/// What a sandbox container is made of.
struct container_spec {
  std::string image;
  std::string workdir;        // absolute; the daemon creates it at start
  int lifetime_secs = 600;    // the keep-alive process ends after this
  double cpu = 1.0;           // NanoCpus = cpu * 1e9
  int memory_mb = 1024;       // Memory = memory_mb MiB
  bool allow_internet = true; // false: NetworkMode "none"
  env_map env;
  env_map labels;
  boost::json::object backend_options;  // merged last (see create_body)
};

/// The keep-alive entrypoint: /bin/sh waits for `sleep <lifetime>` (reaping orphaned
/// processes of killed execs meanwhile) and exits on SIGTERM, so the container ends
/// after its lifetime and, with AutoRemove, disappears. Needs /bin/sh and sleep.
std::vector<std::string> keep_alive_entrypoint(int lifetime_secs);

/// The body of POST /containers/create: Image, Entrypoint (keep_alive_entrypoint), Cmd
/// [], Env ["K=V"], WorkingDir, Labels, Tty/OpenStdin false and HostConfig {NanoCpus,
/// Memory, AutoRemove true, NetworkMode "none" when the internet is not allowed}.
/// `backend_options` is merged last: its keys replace the body's, except that object
/// values (e.g. "HostConfig") merge key by key, recursively.
boost::json::object create_body(const container_spec& spec);

/// Merges `overlay` into `base` as create_body documents.
void merge_json(boost::json::object& base, const boost::json::object& overlay);

/// The body of POST /containers/{id}/exec: stdout/stderr attached, Tty false,
/// AttachStdin per `attach_stdin`, Cmd `argv`, Env ["K=V"], WorkingDir when not empty.
boost::json::object exec_create_body(const std::vector<std::string>& argv, const env_map& env,
                                     std::string_view cwd, bool attach_stdin);

/// "/containers/json?all=1&filters=<{"label":["key=value"]}>" (unversioned).
std::string list_by_label_target(std::string_view key, std::string_view value);

/// ["K=V", ...] in key order.
boost::json::array env_list(const env_map& env);

}  // namespace sbx::drivers::docker
