// The pure parts of the go-plugin handshake (protocol.md 1.1-1.3): cookie, version pick,
// and the one line the host reads from stdout.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sarga::plugin {

inline constexpr std::string_view kMagicCookieKey = "TF_PLUGIN_MAGIC_COOKIE";
inline constexpr std::string_view kMagicCookieValue =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
inline constexpr int kCoreProtocolVersion = 1;
inline constexpr int kAppProtocolVersion = 6;

// Printed on stderr when the binary is started by hand (no or wrong cookie).
std::string not_a_plugin_message(std::string_view program);

struct Negotiation {
  int version = 0;    // 6 when accepted
  std::string error;  // non-empty: a sentence for stderr explaining why not
};

// Picks protocol 6 from PLUGIN_PROTOCOL_VERSIONS (comma list, e.g. "5,6"); `offered` is
// nullopt when the variable is unset. Unparsable items are ignored, as go-plugin does.
Negotiation negotiate_version(std::optional<std::string_view> offered);

struct Endpoint {
  std::string network;  // "unix" or "tcp"
  std::string address;  // socket path, or "127.0.0.1:port"
};

// "1|6|<network>|<address>|grpc|<unpadded base64 of cert DER, empty without TLS>".
// No trailing newline.
std::string handshake_line(int app_version, const Endpoint& endpoint, std::string_view cert_der);

}  // namespace sarga::plugin
