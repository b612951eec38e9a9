#include "lib/process/spawn.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lib/process/process.h"

extern char** environ;

namespace fs = std::filesystem;

namespace sarga::process {

std::optional<fs::path> find_program(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) return fs::path(name);
  const char* env_path = std::getenv("PATH");
  std::string path = std::string(env_path ? env_path : "/usr/bin:/bin") + ":/usr/sbin:/sbin";
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    fs::path candidate = fs::path(path.substr(start, colon - start)) / name;
    struct stat st;
    // access() alone would also accept a directory of that name.
    if (colon > start && ::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    start = colon + 1;
  }
  return std::nullopt;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

namespace detail {

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    reset();
    fd_ = o.release();
  }
  return *this;
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  return {Fd(fds[0]), Fd(fds[1])};
}

Fd open_input(const std::string& program, const std::string& path) {
  const char* p = path.empty() ? "/dev/null" : path.c_str();
  int fd = ::open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(program, program + ": cannot open " + p + " as its stdin: " + std::strerror(errno));
  return Fd(fd);
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

namespace {

std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  merged.insert_or_assign("LC_ALL", std::string("C"));
  for (const auto& [k, v] : extra) merged.insert_or_assign(k, v);
  std::vector<std::string> out;
  for (const auto& [k, v] : merged) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// In the child between fork and exec: only async-signal-safe calls. dup2 onto itself would
// keep close-on-exec set, so that case clears the flag instead.
void install(int from, int to) {
  if (from == to)
    ::fcntl(to, F_SETFD, 0);
  else
    ::dup2(from, to);
}

}  // namespace

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int in_fd,
            int out_fd, int err_fd) {
  if (argv.empty()) throw std::invalid_argument("process: empty argv");
  const std::string& name = argv[0];
  std::optional<fs::path> program = find_program(name);
  if (!program)
    throw Error(name, name + " not found in PATH or /usr/sbin:/sbin (install it: scripts/lib/deps.sh lists the packages)");
  std::string program_path = program->string();
  std::vector<std::string> args = argv, env_strings = child_environment(env);
  std::vector<char*> arg_ptrs = pointers(args), env_ptrs = pointers(env_strings);

  // The child reports a failed exec through this pipe; a successful exec closes it unwritten.
  Pipe exec_report = make_pipe();
  pid_t pid = ::fork();
  if (pid < 0) throw Error(name, "cannot start " + name + ": fork: " + std::strerror(errno));
  if (pid == 0) {
    install(in_fd, 0);
    install(out_fd, 1);
    install(err_fd, 2);
    ::execve(program_path.c_str(), arg_ptrs.data(), env_ptrs.data());
    int e = errno;
    (void)!::write(exec_report.write.get(), &e, sizeof e);
    ::_exit(127);
  }
  exec_report.write.reset();
  int exec_errno = 0;
  ssize_t n;
  while ((n = ::read(exec_report.read.get(), &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    wait_for(pid);
    throw Error(name, "cannot execute " + program_path + ": " + std::strerror(exec_errno));
  }
  return pid;
}

}  // namespace detail
}  // namespace sarga::process
