// A host program left running in the background (qemu during a boot check), always stopped
// and reaped by the destructor, whichever way the caller leaves.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sarga::process {

class ChildProcess {
 public:
  // Starts argv (looked up like run()) with stdin from /dev/null and stdout + stderr appended
  // to `output_file`. Throws process::Error when it cannot be found or started.
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

}  // namespace sarga::process
