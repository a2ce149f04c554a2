#include "process/spawn.hpp"

#include <boost/system/system_error.hpp>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <mutex>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sbx::process {
namespace {

[[noreturn]] void throw_system_error(int error, const char* what) {
  throw boost::system::system_error(error, boost::system::system_category(), what);
}

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      ::signal(SIGPIPE, SIG_IGN);
    }
  });
}

// Moves `fd` to 3 or above: the child's dup2 onto 0-2 must not clobber another pipe
// end, which can happen when this process runs with a standard stream closed.
void lift_above_stdio(unique_fd& fd) {
  if (fd.get() > 2) return;
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) throw_system_error(errno, "fcntl");
  fd.reset(moved);
}

struct pipe_ends {
  unique_fd read;
  unique_fd write;
};

pipe_ends make_pipe() {
  int fds[2];
#if defined(__linux__)
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_system_error(errno, "pipe2");
  pipe_ends ends{unique_fd(fds[0]), unique_fd(fds[1])};
#else
  if (::pipe(fds) != 0) throw_system_error(errno, "pipe");
  pipe_ends ends{unique_fd(fds[0]), unique_fd(fds[1])};
  ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
#endif
  lift_above_stdio(ends.read);
  lift_above_stdio(ends.write);
  return ends;
}

bool is_runnable(const std::string& path) {
  struct stat st {};
  return ::access(path.c_str(), X_OK) == 0 && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

constexpr std::string_view default_path = "/usr/local/bin:/usr/bin:/bin";

// Resolves `name` on `path`, a PATH value (colon-separated directories): see
// find_program.
std::optional<std::string> find_on_path(const std::string& name, std::string_view path, const std::string& cwd) {
  if (name.find('/') != std::string::npos) return name;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = std::min(path.find(':', begin), path.size());
    const std::string_view dir = path.substr(begin, end - begin);
    std::string candidate = std::string(dir.empty() ? "." : dir) + '/' + name;
    const bool relative = candidate.front() != '/';
    if (is_runnable(relative && !cwd.empty() ? cwd + '/' + candidate : candidate)) return candidate;
    if (end == path.size()) return std::nullopt;
    begin = end + 1;
  }
}

}  // namespace

std::optional<std::string> find_program(const std::string& name, const environment& env,
                                        const std::string& cwd) {
  return find_on_path(name, find_variable(env, "PATH").value_or(default_path), cwd);
}

namespace {

bool is_usage_error(int error) {
  switch (error) {
    case ENOENT: case ENOTDIR: case EACCES: case EPERM: case ENOEXEC: case EISDIR:
    case ELOOP: case ENAMETOOLONG: case ETXTBSY: case E2BIG:
      return true;
    default:
      return false;
  }
}

spawn_failure describe_failure(int error, const spawn_spec& spec) {
  const auto reason = [](int e) { return std::generic_category().message(e); };
  struct stat st {};
  if (!spec.cwd.empty()) {
    if (::stat(spec.cwd.c_str(), &st) != 0) return {126, "sbx: cd: " + spec.cwd + ": " + reason(errno) + "\n"};
    if (!S_ISDIR(st.st_mode)) return {126, "sbx: cd: " + spec.cwd + ": " + reason(ENOTDIR) + "\n"};
    if (::access(spec.cwd.c_str(), X_OK) != 0) return {126, "sbx: cd: " + spec.cwd + ": " + reason(errno) + "\n"};
  }
  return {error == ENOENT ? 127 : 126, "sbx: " + spec.argv.front() + ": " + reason(error) + "\n"};
}

// posix_spawn's two attribute objects, released on scope exit.
class spawn_setup {
 public:
  spawn_setup() {
    ::posix_spawn_file_actions_init(&actions_);
    ::posix_spawnattr_init(&attributes_);
  }
  spawn_setup(const spawn_setup&) = delete;
  spawn_setup& operator=(const spawn_setup&) = delete;
  ~spawn_setup() {
    ::posix_spawnattr_destroy(&attributes_);
    ::posix_spawn_file_actions_destroy(&actions_);
  }
  posix_spawn_file_actions_t* actions() { return &actions_; }
  posix_spawnattr_t* attributes() { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
};

std::vector<char*> pointers_to(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const auto& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

std::variant<spawned_child, spawn_failure> spawn(const spawn_spec& spec) {
  if (spec.argv.empty()) throw_system_error(EINVAL, "spawn: empty argv");
  ignore_sigpipe_once();
  const auto path = find_variable(spec.base_env.get(), spec.env, "PATH").value_or(default_path);
  const auto program = find_on_path(spec.argv.front(), path, spec.cwd);
  if (!program) return spawn_failure{127, "sbx: " + spec.argv.front() + ": command not found\n"};

  pipe_ends in;
  if (spec.stdin_data) in = make_pipe();
  pipe_ends out = make_pipe();
  pipe_ends err = make_pipe();

  spawn_setup setup;
  auto* actions = setup.actions();
  if (spec.stdin_data) {
    ::posix_spawn_file_actions_adddup2(actions, in.read.get(), STDIN_FILENO);
  } else {
    ::posix_spawn_file_actions_addopen(actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  ::posix_spawn_file_actions_adddup2(actions, out.write.get(), STDOUT_FILENO);
  ::posix_spawn_file_actions_adddup2(actions, err.write.get(), STDERR_FILENO);
  if (!spec.cwd.empty()) ::posix_spawn_file_actions_addchdir_np(actions, spec.cwd.c_str());

  auto* attributes = setup.attributes();
  sigset_t no_signals;
  sigset_t default_signals;
  ::sigemptyset(&no_signals);
  ::sigemptyset(&default_signals);
  ::sigaddset(&default_signals, SIGPIPE);
  ::sigaddset(&default_signals, SIGXFSZ);
  ::posix_spawnattr_setflags(attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                             POSIX_SPAWN_SETSIGDEF);
  ::posix_spawnattr_setpgroup(attributes, 0);
  ::posix_spawnattr_setsigmask(attributes, &no_signals);
  ::posix_spawnattr_setsigdefault(attributes, &default_signals);

  const auto argv = pointers_to(spec.argv);
  const auto envp = layered_entries(spec.base_env.get(), spec.env);
  pid_t pid = -1;
  if (const int error = ::posix_spawn(&pid, program->c_str(), actions, attributes, argv.data(),
                                      const_cast<char* const*>(envp.data()))) {
    if (is_usage_error(error)) return describe_failure(error, spec);
    throw_system_error(error, "posix_spawn");
  }
  return spawned_child{
      .pid = pid,
      .stdin_pipe = std::move(in.write),
      .stdout_pipe = std::move(out.read),
      .stderr_pipe = std::move(err.read),
  };
}

}  // namespace sbx::process
