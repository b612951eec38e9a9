#include "provider/plugin/stop.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace sarga::plugin {
namespace {

// Self-pipe: the only thing a signal handler may safely do is write(2).
int g_pipe[2] = {-1, -1};
volatile sig_atomic_t g_stop_on_sigint = 0;

void ensure_pipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
  });
}

void on_signal(int signo) {
  if (signo == SIGINT && !g_stop_on_sigint) return;
  int saved = errno;
  request_stop();
  errno = saved;
}

}  // namespace

void install_stop_signals(bool stop_on_sigint) {
  ensure_pipe();
  g_stop_on_sigint = stop_on_sigint ? 1 : 0;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void request_stop() {
  if (g_pipe[1] < 0) return;
  char byte = 1;
  // A full pipe already means "stop requested"; nothing else to do on EAGAIN.
  [[maybe_unused]] ssize_t n = ::write(g_pipe[1], &byte, 1);
}

void wait_for_stop() {
  ensure_pipe();
  if (g_pipe[0] < 0) {
    ::pause();  // no pipe: only a signal can end this process
    return;
  }
  pollfd fd{g_pipe[0], POLLIN, 0};
  while (true) {
    int n = ::poll(&fd, 1, -1);
    if (n > 0) return;
    if (n < 0 && errno != EINTR) return;
  }
}

}  // namespace sarga::plugin
