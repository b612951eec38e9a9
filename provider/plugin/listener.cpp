#include "provider/plugin/listener.h"

#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace sarga::plugin {
namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string random_digits(int count) {
  unsigned char bytes[32];
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // getrandom cannot really fail for 32 bytes; fall back to something unique per process.
    std::string fallback = std::to_string(getpid());
    return fallback;
  }
  std::string out;
  for (int i = 0; i < count; ++i) out += static_cast<char>('0' + bytes[i] % 10);
  return out;
}

// Binds and closes a socket: the cheapest honest test that gRPC will be able to bind.
bool probe_bind(int family, const sockaddr* addr, socklen_t len, int& err) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    err = errno;
    return false;
  }
  bool ok = ::bind(fd, addr, len) == 0;
  err = ok ? 0 : errno;
  ::close(fd);
  return ok;
}

bool parse_port(const std::string& text, const char* name, int& out, std::string& why) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc() || p != end || out < 0 || out > 65535) {
    why = std::string(name) + "=\"" + text + "\" is not a port number (0-65535)";
    return false;
  }
  return true;
}

}  // namespace

std::optional<ListenTarget> pick_unix_socket(std::string& why) {
  std::string dir = env_or_empty("PLUGIN_UNIX_SOCKET_DIR");
  if (dir.empty()) dir = env_or_empty("TMPDIR");
  if (dir.empty()) dir = "/tmp";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();

  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string path = dir + "/plugin" + random_digits(10);
    if (path.size() >= sizeof addr.sun_path) {
      why = "unix socket path \"" + path + "\" is longer than " +
            std::to_string(sizeof addr.sun_path - 1) + " bytes";
      return std::nullopt;
    }
    std::memset(addr.sun_path, 0, sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    int err = 0;
    if (probe_bind(AF_UNIX, reinterpret_cast<sockaddr*>(&addr), sizeof addr, err)) {
      ::unlink(path.c_str());
      return ListenTarget{{"unix", path}, "unix:" + path, path};
    }
    if (err != EADDRINUSE) {
      why = "cannot create a unix socket in \"" + dir + "\": " + std::strerror(err);
      return std::nullopt;
    }
  }
  why = "no free unix socket name in \"" + dir + "\" after 8 tries";
  return std::nullopt;
}

std::optional<ListenTarget> pick_tcp_port(std::string& why) {
  std::string min_text = env_or_empty("PLUGIN_MIN_PORT");
  std::string max_text = env_or_empty("PLUGIN_MAX_PORT");
  if (min_text.empty() && max_text.empty()) {
    return ListenTarget{{"tcp", "127.0.0.1:0"}, "127.0.0.1:0", ""};
  }
  if (min_text.empty() || max_text.empty()) {
    why = std::string(min_text.empty() ? "PLUGIN_MIN_PORT" : "PLUGIN_MAX_PORT") +
          " is not set but " + (min_text.empty() ? "PLUGIN_MAX_PORT" : "PLUGIN_MIN_PORT") +
          " is: set both to give the tcp port range";
    return std::nullopt;
  }
  int min_port = 0, max_port = 0;
  if (!parse_port(min_text, "PLUGIN_MIN_PORT", min_port, why) ||
      !parse_port(max_text, "PLUGIN_MAX_PORT", max_port, why)) {
    return std::nullopt;
  }
  if (min_port > max_port) {
    why = "PLUGIN_MIN_PORT=" + min_text + " is greater than PLUGIN_MAX_PORT=" + max_text;
    return std::nullopt;
  }
  for (int port = min_port; port <= max_port; ++port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int err = 0;
    if (probe_bind(AF_INET, reinterpret_cast<sockaddr*>(&addr), sizeof addr, err)) {
      std::string address = "127.0.0.1:" + std::to_string(port);
      return ListenTarget{{"tcp", address}, address, ""};
    }
  }
  why = "no free tcp port on 127.0.0.1 between PLUGIN_MIN_PORT=" + min_text +
        " and PLUGIN_MAX_PORT=" + max_text;
  return std::nullopt;
}

bool apply_socket_group(const std::string& path, std::string& why) {
  std::string group = env_or_empty("PLUGIN_UNIX_SOCKET_GROUP");
  if (group.empty()) return true;
  gid_t gid;
  unsigned long numeric = 0;
  auto [p, ec] = std::from_chars(group.data(), group.data() + group.size(), numeric);
  if (ec == std::errc() && p == group.data() + group.size()) {
    gid = static_cast<gid_t>(numeric);
  } else {
    struct group* entry = ::getgrnam(group.c_str());
    if (entry == nullptr) {
      why = "PLUGIN_UNIX_SOCKET_GROUP=\"" + group + "\" is not a known group";
      return false;
    }
    gid = entry->gr_gid;
  }
  if (::chown(path.c_str(), static_cast<uid_t>(-1), gid) != 0 ||
      ::chmod(path.c_str(), 0660) != 0) {
    why = "cannot give socket \"" + path + "\" to group \"" + group + "\": " +
          std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace sarga::plugin
