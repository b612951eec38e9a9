#include "builder/verify/guest_agent.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

namespace sarga::verify {
namespace {

using Clock = std::chrono::steady_clock;

class Socket {
 public:
  Socket() = default;
  ~Socket() { reset(); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  int fd = -1;
};

bool connect_unix(const std::filesystem::path& path, Socket& s, std::string& detail) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof addr.sun_path) {
    detail = "socket path too long: " + path.string();
    return false;
  }
  std::strcpy(addr.sun_path, path.c_str());
  s.reset();
  s.fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s.fd < 0 || ::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    detail = "cannot connect to " + path.string() + ": " + std::strerror(errno);
    s.reset();
    return false;
  }
  return true;
}

bool send_line(int fd, const std::string& line) {
  std::size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::send(fd, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until a JSON object line satisfying `accept` arrives or `until` passes.
bool await_answer(int fd, std::string& buffer, Clock::time_point until, const std::atomic<bool>* cancel,
                  const std::function<bool(const nlohmann::json&)>& accept, std::string& detail) {
  while (Clock::now() < until && !(cancel && cancel->load())) {
    std::size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      // The agent may send stale answers or 0xFF sync bytes; skip what does not parse.
      line.erase(0, line.find_first_not_of('\xff'));
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && accept(j)) return true;
      if (j.is_object()) detail = "unexpected answer " + j.dump();
    }
    pollfd p{fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    int r = ::poll(&p, 1, static_cast<int>(std::clamp<long long>(left, 0, 200)));
    if (r < 0 && errno != EINTR) return false;
    if (r > 0) {
      char buf[4096];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0) {
        detail = "the agent channel closed";
        return false;
      }
      if (n > 0) buffer.append(buf, static_cast<std::size_t>(n));
    }
  }
  return false;
}

}  // namespace

bool ping_guest_agent(const std::filesystem::path& socket, std::chrono::milliseconds budget,
                      const std::atomic<bool>* cancel, std::string& detail) {
  const auto deadline = Clock::now() + budget;
  detail = "no answer";
  std::mt19937 rng(std::random_device{}());
  while (Clock::now() < deadline && !(cancel && cancel->load())) {
    Socket s;
    if (!connect_unix(socket, s, detail)) {
      ::usleep(200 * 1000);
      continue;
    }
    std::string buffer;
    // The agent drops what arrives before it opened the port: repeat the sync until one echoes.
    std::optional<bool> synced;
    while (Clock::now() < deadline && !(cancel && cancel->load())) {
      const std::int64_t id = rng() % 1000000000;
      nlohmann::json sync = {{"execute", "guest-sync"}, {"arguments", {{"id", id}}}};
      if (!send_line(s.fd, sync.dump() + "\n")) break;
      auto until = std::min(deadline, Clock::now() + std::chrono::seconds(3));
      if (await_answer(s.fd, buffer, until, cancel,
                       [&](const nlohmann::json& j) { return j.contains("return") && j["return"] == id; }, detail)) {
        synced = true;
        break;
      }
    }
    if (!synced) continue;
    if (!send_line(s.fd, nlohmann::json({{"execute", "guest-ping"}}).dump() + "\n")) continue;
    if (await_answer(s.fd, buffer, deadline, cancel,
                     [](const nlohmann::json& j) { return j.contains("return") && j["return"].is_object(); },
                     detail)) {
      detail = "guest-sync and guest-ping answered";
      return true;
    }
  }
  if (cancel && cancel->load()) detail = "cancelled";
  return false;
}

}  // namespace sarga::verify
