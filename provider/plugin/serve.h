// The go-plugin server contract OpenTofu expects from a provider binary (protocol 6).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

namespace sarga::plugin {

struct ServeOptions {
  // e.g. "registry.opentofu.org/sarga/sarga"; the key of TF_REATTACH_PROVIDERS in -debug mode.
  std::string provider_address;
  // Optional: called once on the serve() thread when a stop was requested (Shutdown RPC,
  // SIGTERM, or SIGINT in -debug mode), before gRPC drains in-flight calls for 300 ms and
  // cancels them. Cancel in-flight work here so handlers return in time.
  std::function<void()> on_stop;
};

// Runs the plugin server until GRPCController.Shutdown or SIGTERM (in -debug mode also
// SIGINT; otherwise SIGINT is swallowed, as go-plugin does) and returns the exit code
// (0 after a clean stop, 1 on a start-up error, explained on stderr).
//
// Without "-debug" in argv (as OpenTofu starts it): requires TF_PLUGIN_MAGIC_COOKIE, picks
// protocol 6 from PLUGIN_PROTOCOL_VERSIONS, listens on a unix socket in
// PLUGIN_UNIX_SOCKET_DIR / TMPDIR / /tmp (falls back to 127.0.0.1 in PLUGIN_MIN_PORT..
// PLUGIN_MAX_PORT when that fails, or always with SARGA_PLUGIN_FORCE_TCP=1), uses AutoMTLS
// when PLUGIN_CLIENT_CERT is set, and prints the one handshake line on stdout.
// With "-debug": plaintext, no cookie needed; prints for a person a text with one line
// starting "TF_REATTACH_PROVIDERS='" (key: options.provider_address).
//
// Serves `services` plus go-plugin's GRPCController, GRPCStdio, GRPCBroker and
// grpc.health.v1 ("plugin" SERVING); receive limit 256 MiB. `services` are not owned and
// must outlive the call; register them all here (gRPC needs them before it starts).
//
// Side effects for the whole process: fd 1 is pointed at stderr (only serve() writes the
// handshake, on a private copy of the real stdout), gRPC's own logs become hclog lines,
// and SIGINT/SIGTERM handlers are installed. If handlers are still running 1.2 s after a
// stop request, the process exits with _Exit(0) (the host kills it at 2 s anyway).
int serve(int argc, char** argv, const std::vector<grpc::Service*>& services,
          const ServeOptions& options);

}  // namespace sarga::plugin
