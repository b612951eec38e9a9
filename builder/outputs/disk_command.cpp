// Host tools for the disk image (sfdisk, mformat, mke2fs, qemu-img) run by fork/exec with
// argv vectors, never through a shell; stdout is returned, stderr's tail goes into errors.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"

extern char** environ;

namespace fs = std::filesystem;

namespace sarga::outputs::disk {

namespace {

// sfdisk and mke2fs live in /usr/sbin, which a non-root PATH often lacks.
std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* env_path = std::getenv("PATH");
  std::string path = std::string(env_path ? env_path : "/usr/bin:/bin") + ":/usr/sbin:/sbin";
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    fs::path candidate = fs::path(path.substr(start, colon - start)) / name;
    if (colon > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = colon + 1;
  }
  throw std::runtime_error(name + " not found in PATH (install it: scripts/lib/deps.sh lists the packages)");
}

std::string tail(const std::string& text, std::size_t max = 2000) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t.size() > max ? "..." + t.substr(t.size() - max) : t;
}

}  // namespace

std::string run_tool(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                     const fs::path& stdin_file) {
  if (argv.empty()) throw std::invalid_argument("run_tool: empty argv");
  std::string program = resolve_program(argv[0]);

  // The child's environment: ours with `env` overriding (LC_ALL=C keeps messages stable).
  std::map<std::string, std::string> merged;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  merged["LC_ALL"] = "C";
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);

  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    int in = ::open(stdin_file.empty() ? "/dev/null" : stdin_file.c_str(), O_RDONLY);
    if (in < 0) _exit(126);
    ::dup2(in, 0);
    ::execve(program.c_str(), args.data(), envp.data());
    _exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  std::string stdout_text, stderr_text;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? stdout_text : stderr_text).append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
    if (stderr_text.size() > (1u << 20)) stderr_text.erase(0, stderr_text.size() - 65536);
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return stdout_text;
  std::string how = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                       : "signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && stderr_text.empty()) how += ", could not execute " + program;
  std::string detail = tail(stderr_text.empty() ? stdout_text : stderr_text);
  throw std::runtime_error(argv[0] + " failed (" + how + ")" + (detail.empty() ? "" : ": " + detail));
}

}  // namespace sarga::outputs::disk
