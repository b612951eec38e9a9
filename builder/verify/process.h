// Child processes of qemu-verify: a short tool run to completion (qemu-img) and qemu itself,
// which is always stopped and reaped, whichever way the verify ends.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sarga::verify {

// Runs argv to completion with stdin from /dev/null; returns the exit status (128+signal when
// killed) and fills `output` with its stdout and stderr. Throws when it cannot be started.
int run_tool(const std::vector<std::string>& argv, std::string& output);

// "exit status 1" / "signal 9" for a waitpid status.
std::string describe_wait_status(int status);

class ChildProcess {
 public:
  // Starts argv with stdin from /dev/null and stdout + stderr appended to `output_file`.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output_file);
  ~ChildProcess();  // stop()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The waitpid status once the process has exited (non-blocking), else nullopt.
  std::optional<int> poll();
  // SIGTERM, up to `grace_ms` to exit, then SIGKILL; always reaps. Idempotent.
  void stop(int grace_ms = 5000) noexcept;

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace sarga::verify
