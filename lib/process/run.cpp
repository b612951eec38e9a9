#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/process/process.h"
#include "lib/process/spawn.h"

namespace sarga::process {

namespace {

constexpr std::size_t kKeptTail = 64 * 1024;  // of stderr, and of stdout when it is streamed
constexpr std::size_t kMessageTail = 2000;    // of that, in an error message

void keep_tail(std::string& text) {
  // Trimmed in large steps so a chatty program does not cost a copy per read.
  if (text.size() > 2 * kKeptTail) text.erase(0, text.size() - kKeptTail);
}

std::string message_tail(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.size() > kMessageTail ? "..." + text.substr(text.size() - kMessageTail) : text;
}

// Reads the child's pipes until both are closed.
class Reader {
 public:
  Reader(const Options& options, Result& result) : options_(options), result_(result) {}

  void read_all(int out_fd, int err_fd) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_fds = err_fd >= 0 ? 2 : 1;
    char buf[65536];
    while (open_fds > 0) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
      }
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          fds[i].fd = -1;  // poll ignores negative descriptors; the caller owns and closes them
          --open_fds;
        } else if (i == 0) {
          stdout_data(buf, static_cast<std::size_t>(n));
        } else {
          result_.err.append(buf, static_cast<std::size_t>(n));
          keep_tail(result_.err);
        }
      }
    }
    if (options_.on_line && !pending_.empty()) options_.on_line(pending_);  // a last line without "\n"
  }

 private:
  void stdout_data(const char* data, std::size_t size) {
    result_.out.append(data, size);
    if (!options_.on_line) return;
    keep_tail(result_.out);
    pending_.append(data, size);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1)
      options_.on_line(pending_.substr(start, nl - start));
    pending_.erase(0, start);
  }

  const Options& options_;
  Result& result_;
  std::string pending_;
};

}  // namespace

bool Result::ok() const { return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0; }

int Result::exit_code() const {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  return 128 + (WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0);
}

Result run(const std::vector<std::string>& argv, const Options& options) {
  if (argv.empty()) throw std::invalid_argument("process::run: empty argv");
  const std::string& name = argv[0];
  detail::Fd in = detail::open_input(name, options.stdin_file.string());
  detail::Pipe out = detail::make_pipe();
  detail::Pipe err;
  if (!options.combine_output) err = detail::make_pipe();
  int err_write = options.combine_output ? out.write.get() : err.write.get();
  pid_t pid = detail::spawn(argv, options.env, in.get(), out.write.get(), err_write);
  // Our copies of the write ends go, so the reads see EOF when the child is done.
  out.write.reset();
  err.write.reset();
  in.reset();

  Result result;
  try {
    Reader(options, result).read_all(out.read.get(), err.read.get());
  } catch (...) {
    // A throwing line callback: leave no orphan behind.
    ::kill(pid, SIGKILL);
    detail::wait_for(pid);
    throw;
  }
  result.wait_status = detail::wait_for(pid);
  if (result.ok() || !options.check) return result;

  std::string how = WIFEXITED(result.wait_status) ? "exit " + std::to_string(WEXITSTATUS(result.wait_status))
                                                  : "signal " + std::to_string(WTERMSIG(result.wait_status));
  std::string detail = message_tail(result.err.empty() ? result.out : result.err);
  throw Error(name, name + " failed (" + how + ")" + (detail.empty() ? "" : ": " + detail));
}

}  // namespace sarga::process
