// Internal to lib/process: the fork/exec both run() and ChildProcess use.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace sarga::process::detail {

// An owned file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset();

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};
Pipe make_pipe();  // both ends close-on-exec
// `path` (or /dev/null when empty) opened for reading; throws Error naming `program`.
Fd open_input(const std::string& program, const std::string& path);

// Looks argv[0] up, forks and execs it with our environment + LC_ALL=C + `env` and the given
// descriptors as 0, 1 and 2. Returns once the exec succeeded; throws Error when the program
// is missing or cannot be executed.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int in_fd,
            int out_fd, int err_fd);

int wait_for(pid_t pid);  // blocking waitpid, retried on EINTR

}  // namespace sarga::process::detail
