#include "metered_driver.hpp"

namespace sbx::scheduler {
namespace {

class metered_session final : public SandboxSession {
 public:
  metered_session(std::unique_ptr<SandboxSession> inner, std::shared_ptr<usage_listener> listener,
                  CostMeter::entry_id meter)
      : inner_(std::move(inner)), listener_(std::move(listener)), meter_(meter) {}

  ~metered_session() override { release(); }

  const std::string& id() const override { return inner_->id(); }
  const std::string& workdir() const override { return inner_->workdir(); }
  const std::string& scratch_dir() const override { return inner_->scratch_dir(); }

  awaitable<ExecStatus> exec(ExecRequest request) override {
    listener_->exec_started(meter_);
    return inner_->exec(std::move(request));
  }
  awaitable<std::vector<FileInfo>> list_files(std::string path) override {
    return inner_->list_files(std::move(path));
  }
  awaitable<std::string> read_file(std::string path) override { return inner_->read_file(std::move(path)); }
  awaitable<void> write_file(std::string path, std::string content) override {
    return inner_->write_file(std::move(path), std::move(content));
  }
  awaitable<void> upload_file(std::filesystem::path local, std::string remote) override {
    return inner_->upload_file(std::move(local), std::move(remote));
  }
  awaitable<void> download_file(std::string remote, std::filesystem::path local) override {
    return inner_->download_file(std::move(remote), std::move(local));
  }
  awaitable<void> extract_archive(std::string dir, std::string tar_gz) override {
    return inner_->extract_archive(std::move(dir), std::move(tar_gz));
  }
  awaitable<std::string> create_archive(std::string dir) override {
    return inner_->create_archive(std::move(dir));
  }
  bool archives_without_tar() const override { return inner_->archives_without_tar(); }
  awaitable<SnapshotInfo> snapshot() override { return inner_->snapshot(); }
  awaitable<std::string> expose_port(int port) override { return inner_->expose_port(port); }
  boost::json::object session_data() const override { return inner_->session_data(); }
  bool destroyed() const override { return inner_->destroyed(); }

  awaitable<void> destroy() override {
    try {
      co_await inner_->destroy();
    } catch (...) {
      release();
      throw;
    }
    if (!ended_) listener_->destroyed(meter_);
    ended_ = true;
    release();
  }

 private:
  void release() {
    if (released_) return;
    released_ = true;
    listener_->released(meter_, inner_->id());
  }

  std::unique_ptr<SandboxSession> inner_;
  std::shared_ptr<usage_listener> listener_;
  CostMeter::entry_id meter_;
  bool ended_ = false;
  bool released_ = false;
};

}  // namespace

metered_driver::metered_driver(std::shared_ptr<Driver> inner, std::shared_ptr<usage_listener> listener)
    : inner_(std::move(inner)), listener_(std::move(listener)) {}

const std::string& metered_driver::name() const { return inner_->name(); }
const Capabilities& metered_driver::capabilities() const { return inner_->capabilities(); }
awaitable<void> metered_driver::start() { return inner_->start(); }

awaitable<std::unique_ptr<SandboxSession>> metered_driver::create(const ResolvedOptions& options) {
  auto session = co_await inner_->create(options);
  const auto meter = listener_->created(*session, options);
  co_return std::make_unique<metered_session>(std::move(session), listener_, meter);
}

awaitable<std::unique_ptr<SandboxSession>> metered_driver::resume(const boost::json::object& data) {
  return inner_->resume(data);
}

awaitable<SweepReport> metered_driver::sweep() { return inner_->sweep(); }

}  // namespace sbx::scheduler
