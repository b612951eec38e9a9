#include "lib/plug/tcp_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace sarga::plug {

HostPort parse_host_port(const std::string& text, std::string& error) {
  HostPort hp;
  std::string host, port;
  if (!text.empty() && text[0] == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "must be [ipv6]:port, got \"" + text + "\"";
      return {};
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || text.find(':') != colon) {
      error = "must be host:port such as bastion.lan:22, got \"" + text + "\"";
      return {};
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  int p = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || p > 65535) {
      p = -1;
      break;
    }
    p = p * 10 + (c - '0');
  }
  if (port.empty() || p <= 0 || p > 65535) {
    error = "port must be 1..65535, got \"" + port + "\"";
    return {};
  }
  hp.host = host;
  hp.port = p;
  return hp;
}

bool tcp_reachable(const HostPort& target, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(target.host.c_str(), std::to_string(target.port).c_str(), &hints, &res) != 0) return false;
  bool ok = false;
  for (addrinfo* a = res; a && !ok; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc == 0) {
      ok = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        ok = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
      }
    }
    close(fd);
  }
  freeaddrinfo(res);
  return ok;
}

bool wait_for_tcp(const HostPort& target, std::chrono::milliseconds timeout,
                  const std::function<bool()>& cancelled, std::chrono::milliseconds interval) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (tcp_reachable(target, std::clamp(left, std::chrono::milliseconds(50), std::chrono::milliseconds(2'000))))
      return true;
    if (clock::now() >= deadline) return false;
    auto next = std::min(clock::now() + interval, deadline);  // the last try is at the deadline
    while (clock::now() < next) {
      if (cancelled && cancelled()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

}  // namespace sarga::plug
