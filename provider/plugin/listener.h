// Where the plugin listens: a unix socket (preferred, like go-plugin) or 127.0.0.1:port.
#pragma once

#include <optional>
#include <string>

#include "provider/plugin/handshake.h"

namespace sarga::plugin {

// Set to a non-empty value other than "0" to skip the unix socket and listen on tcp.
inline constexpr const char* kForceTcpEnv = "SARGA_PLUGIN_FORCE_TCP";

struct ListenTarget {
  Endpoint endpoint;        // what the handshake announces (tcp port may still be 0)
  std::string grpc_uri;     // what gRPC binds: "unix:/path" or "127.0.0.1:port"
  std::string socket_path;  // unix only: file to remove on exit
};

// A fresh socket path "plugin<random digits>" in PLUGIN_UNIX_SOCKET_DIR, else TMPDIR, else
// /tmp, checked by binding it once (then removed so gRPC can bind it). nullopt with `why`
// set when no unix socket can be made there.
std::optional<ListenTarget> pick_unix_socket(std::string& why);

// First free port on 127.0.0.1 in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT (scanned upwards, as
// go-plugin does); both unset means port 0 (the kernel picks; read it back from gRPC).
// nullopt with `why` naming the variable or range on bad settings or when all are taken.
std::optional<ListenTarget> pick_tcp_port(std::string& why);

// Applies PLUGIN_UNIX_SOCKET_GROUP (name or gid) to a bound socket: group + mode 0660.
// Returns false with `why` set when the group is unknown or chown/chmod fail.
bool apply_socket_group(const std::string& path, std::string& why);

}  // namespace sarga::plugin
