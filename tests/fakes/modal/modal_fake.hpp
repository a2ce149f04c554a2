// The Modal fake's definition for run_fake_main: a gRPC server (plaintext, loopback)
// serving Modal's ModalClient and TaskCommandRouter services from the trimmed protos,
// next to the shared HTTP control server. GET /_fake/modal on the HTTP server answers
// {"grpc_url": "http://127.0.0.1:PORT", "calls": n}: point MODAL_SERVER_URL (or the
// driver option server_url) at grpc_url.
#pragma once

#include "fakes/common/fake_main.hpp"

namespace sbx_fake::modal {

/// The `modal` fake: sandboxes with a writable root (system directories read-only from
/// the host), home /root; provider options --token-id and
/// --token-secret (the only credentials accepted; default: any non-empty ones).
fake_definition modal_definition();

}  // namespace sbx_fake::modal
