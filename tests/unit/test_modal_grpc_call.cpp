// The gRPC-to-Asio bridge of the Modal driver against an in-process server: results
// arrive on the caller's executor, an Asio cancellation cancels the gRPC call itself
// (the server sees it), for unary calls and server streams alike, and destroying the
// io_context with calls in flight cancels them and waits for grpc (ASan/UBSan builds
// catch a grpc thread touching the destroyed context).
#if SBX_WITH_MODAL
#include "drivers/modal/modal_api.hpp"
#include "modal_api.grpc.pb.h"
#include "process/concurrently.hpp"
#include "support/run.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

namespace mdl = sbx::drivers::modal;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Answers AppGetOrCreate at once (recording the calling thread's view of the token),
// or, for the app "hang", only once the call is cancelled; ImageJoinStreaming never
// sends anything until cancelled.
class scripted_service final : public mdl::api::ModalClient::Service {
 public:
  grpc::Status AppGetOrCreate(grpc::ServerContext* call, const mdl::api::AppGetOrCreateRequest* request,
                              mdl::api::AppGetOrCreateResponse* response) override {
    const auto& md = call->client_metadata();
    const auto token = md.find("x-modal-token-id");
    if (token != md.end()) token_seen = std::string(token->second.data(), token->second.size());
    if (request->app_name() != "hang") {
      response->set_app_id("ap-" + request->app_name());
      return grpc::Status::OK;
    }
    return hang(call);
  }
  grpc::Status ImageGetOrCreate(grpc::ServerContext*, const mdl::api::ImageGetOrCreateRequest*,
                                mdl::api::ImageGetOrCreateResponse* response) override {
    response->set_image_id("im-1");  // not built yet: the client joins the build stream
    return grpc::Status::OK;
  }
  grpc::Status ImageJoinStreaming(grpc::ServerContext* call, const mdl::api::ImageJoinStreamingRequest*,
                                  grpc::ServerWriter<mdl::api::ImageJoinStreamingResponse>*) override {
    return hang(call);
  }

  std::atomic<int> hanging_calls{0};
  std::atomic<int> cancelled_calls{0};
  std::string token_seen;

 private:
  grpc::Status hang(grpc::ServerContext* call) {
    ++hanging_calls;
    while (!call->IsCancelled()) std::this_thread::sleep_for(5ms);
    ++cancelled_calls;
    return grpc::Status::CANCELLED;
  }
};

struct loopback_server {
  loopback_server() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
  }
  ~loopback_server() { server->Shutdown(std::chrono::system_clock::now() + 1s); }

  mdl::modal_settings settings() const {
    mdl::modal_settings s;
    s.server_url = "http://127.0.0.1:" + std::to_string(port);
    s.token_id = "ak-bridge";
    s.token_secret = "as-bridge";
    s.knobs.retry.max_attempts = 1;
    return s;
  }

  scripted_service service;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

// Waits (bounded) until `done` holds; the bound only keeps a broken build from hanging.
template <class Predicate>
bool eventually(Predicate done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

}  // namespace

TEST_CASE("modal grpc bridge: a unary result arrives on the caller's thread with the token headers", "[modal]") {
  loopback_server server;
  const mdl::control_api api(server.settings());
  const auto caller = std::this_thread::get_id();
  const auto [app, thread] = sbx_test::run([&]() -> asio::awaitable<std::pair<std::string, std::thread::id>> {
    auto id = co_await api.app_id("demo");
    co_return std::pair(id, std::this_thread::get_id());
  }());
  CHECK(app == "ap-demo");
  CHECK(thread == caller);
  CHECK(server.service.token_seen == "ak-bridge");
}

TEST_CASE("modal grpc bridge: Asio cancellation cancels a pending unary call", "[modal]") {
  loopback_server server;
  const mdl::control_api api(server.settings());
  const auto first = sbx_test::run([&]() -> asio::awaitable<std::size_t> {
    asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
    auto call = [&]() -> asio::awaitable<void> { co_await api.app_id("hang"); };
    co_return co_await sbx::process::first_of(call(), timer.async_wait(asio::use_awaitable));
  }());
  CHECK(first == 1);
  CHECK(eventually([&] { return server.service.cancelled_calls == 1; }));
}

TEST_CASE("modal grpc bridge: Asio cancellation cancels a pending server stream", "[modal]") {
  loopback_server server;
  const mdl::control_api api(server.settings());
  const auto first = sbx_test::run([&]() -> asio::awaitable<std::size_t> {
    asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
    auto build = [&]() -> asio::awaitable<void> { co_await api.registry_image("ap-1", "python:3.12-slim"); };
    co_return co_await sbx::process::first_of(build(), timer.async_wait(asio::use_awaitable));
  }());
  CHECK(first == 1);
  CHECK(eventually([&] { return server.service.cancelled_calls == 1; }));
}

TEST_CASE("modal grpc bridge: a cancelled call ends in operation_aborted", "[modal]") {
  loopback_server server;
  const mdl::control_api api(server.settings());
  const auto aborted = sbx_test::run([&]() -> asio::awaitable<bool> {
    asio::cancellation_signal signal;
    asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
    timer.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::terminal); });
    try {
      co_await asio::co_spawn(co_await asio::this_coro::executor, api.app_id("hang"),
                              asio::bind_cancellation_slot(signal.slot(), asio::use_awaitable));
    } catch (const boost::system::system_error& e) {
      co_return e.code() == asio::error::operation_aborted;
    }
    co_return false;
  }());
  CHECK(aborted);
}

TEST_CASE("modal grpc bridge: destroying the io_context cancels the calls in flight and waits for them", "[modal]") {
  loopback_server server;
  const mdl::control_api api(server.settings());
  {
    asio::io_context context;
    auto call = [&]() -> asio::awaitable<void> { co_await api.app_id("hang"); };
    auto build = [&]() -> asio::awaitable<void> { co_await api.registry_image("ap-1", "python:3.12-slim"); };
    asio::co_spawn(context, call(), asio::detached);
    asio::co_spawn(context, build(), asio::detached);
    for (int i = 0; i < 1000 && server.service.hanging_calls < 2; ++i) context.run_for(10ms);
    REQUIRE(server.service.hanging_calls == 2);
  }  // destroyed with a unary call and a server stream pending
  CHECK(eventually([&] { return server.service.cancelled_calls == 2; }));
}
#endif
