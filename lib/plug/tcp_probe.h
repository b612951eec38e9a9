// Waiting for the bastion: a TCP connect to host:port succeeds once it has booted.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace sarga::plug {

struct HostPort {
  std::string host;
  int port = 0;
};

// "host:port", "[v6]:port"; nullopt-like empty host when malformed (message in `error`).
HostPort parse_host_port(const std::string& text, std::string& error);

// One connect attempt bounded by `timeout`.
bool tcp_reachable(const HostPort& target, std::chrono::milliseconds timeout);

// Tries every `interval` until a connect succeeds (true), `timeout` passes or `cancelled`
// returns true (false).
bool wait_for_tcp(const HostPort& target, std::chrono::milliseconds timeout,
                  const std::function<bool()>& cancelled,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(500));

}  // namespace sarga::plug
