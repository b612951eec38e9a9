#include "lib/process/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "lib/process/process.h"
#include "lib/process/spawn.h"

namespace sarga::process {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output_file) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess: empty argv");
  detail::Fd out(::open(output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (out.get() < 0)
    throw Error(argv[0], argv[0] + ": cannot open " + output_file.string() + " for its output: " + std::strerror(errno));
  detail::Fd in = detail::open_input(argv[0], "");
  pid_ = detail::spawn(argv, {}, in.get(), out.get(), out.get());
}

ChildProcess::~ChildProcess() { stop(); }

std::optional<int> ChildProcess::poll() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
  return status_;
}

void ChildProcess::stop(int grace_ms) noexcept {
  if (pid_ <= 0 || poll()) return;
  ::kill(pid_, SIGTERM);
  for (int waited = 0; waited < grace_ms; waited += 50) {
    if (poll()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  status_ = detail::wait_for(pid_);
}

}  // namespace sarga::process
