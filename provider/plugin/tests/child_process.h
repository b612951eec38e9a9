// Test/bench support: run a plugin binary as a child with a chosen environment and read its
// stdout/stderr with time limits. Header-only so the benchmark can share it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sarga::plugin::testing {

using Env = std::map<std::string, std::string>;

inline constexpr const char* kCookie =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

class ChildProcess {
 public:
  // Starts `path args...` with exactly `env` (plus PATH) and piped stdout/stderr.
  ChildProcess(const std::string& path, const std::vector<std::string>& args, const Env& env) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);

    std::vector<std::string> argv_text{path};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text{"PATH=/usr/bin:/bin"};
    for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);

    started_ = std::chrono::steady_clock::now();
    int rc = posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    if (rc != 0) throw std::runtime_error("posix_spawn " + path + " failed");
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  ~ChildProcess() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
    }
    ::close(out_fd_);
    ::close(err_fd_);
  }

  pid_t pid() const { return pid_; }
  std::chrono::steady_clock::time_point started() const { return started_; }

  // Next stdout line without its newline; nullopt on EOF or after `timeout`.
  std::optional<std::string> read_stdout_line(std::chrono::milliseconds timeout) {
    return read_line(out_fd_, out_buffer_, timeout);
  }

  // Everything until EOF (or `timeout`), including what read_stdout_line left buffered.
  std::string read_stdout_all(std::chrono::milliseconds timeout) {
    return drain(out_fd_, out_buffer_, timeout);
  }
  std::string read_stderr_all(std::chrono::milliseconds timeout) {
    return drain(err_fd_, err_buffer_, timeout);
  }

  // Exit status (WEXITSTATUS, or 128+signal) once it exits within `timeout`, else nullopt.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    if (reaped_) return exit_code_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      int status = 0;
      pid_t r = ::wait4(pid_, &status, WNOHANG, &usage_);
      if (r == pid_) {
        reaped_ = true;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  void signal(int signo) { ::kill(pid_, signo); }

  // User+system CPU time of the whole run, once wait_exit() has reaped the child.
  double cpu_ms() const {
    auto ms = [](const timeval& tv) { return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0; };
    return ms(usage_.ru_utime) + ms(usage_.ru_stime);
  }

 private:
  static bool wait_readable(int fd, std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) return false;
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(left.count())) > 0;
  }

  static std::optional<std::string> read_line(int fd, std::string& buffer,
                                              std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      size_t nl = buffer.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        return line;
      }
      if (!wait_readable(fd, deadline)) return std::nullopt;
      char chunk[4096];
      ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffer.append(chunk, static_cast<size_t>(n));
    }
  }

  static std::string drain(int fd, std::string& buffer, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string text = std::move(buffer);
    buffer.clear();
    while (wait_readable(fd, deadline)) {
      char chunk[4096];
      ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n <= 0) break;
      text.append(chunk, static_cast<size_t>(n));
    }
    return text;
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_buffer_;
  std::string err_buffer_;
  bool reaped_ = false;
  int exit_code_ = -1;
  std::chrono::steady_clock::time_point started_;
  struct rusage usage_ {};
};

}  // namespace sarga::plugin::testing
