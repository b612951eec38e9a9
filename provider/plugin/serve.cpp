#include "provider/plugin/serve.h"

#include <fcntl.h>
#include <unistd.h>

#include <grpc/grpc.h>
#include <grpc/support/log.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <string_view>
#include <thread>

#include "lib/log/log.h"
#include "provider/plugin/go_plugin_services.h"
#include "provider/plugin/handshake.h"
#include "provider/plugin/listener.h"
#include "provider/plugin/mtls.h"
#include "provider/plugin/reattach.h"
#include "provider/plugin/stop.h"

namespace sarga::plugin {
namespace {

constexpr int kMaxReceiveBytes = 256 * 1024 * 1024;
// How long in-flight calls get after Shutdown before gRPC cancels them; well inside the
// host's 2 s grace period.
constexpr auto kDrainTime = std::chrono::milliseconds(300);
constexpr auto kExitDeadline = std::chrono::milliseconds(1200);

// gRPC core logs become hclog lines on stderr instead of free text.
void grpc_log_to_hclog(gpr_log_func_args* args) {
  log::Level level = args->severity == GPR_LOG_SEVERITY_ERROR  ? log::Level::Error
                     : args->severity == GPR_LOG_SEVERITY_INFO ? log::Level::Info
                                                               : log::Level::Debug;
  log::write(level, args->message ? args->message : "",
             {{"subsystem", "grpc"}, {"file", args->file ? args->file : ""}, {"line", args->line}});
}

// Moves the real stdout to a private descriptor and points fd 1 at stderr, so nothing any
// library prints can reach the host's handshake reader. Returns the private fd or -1.
int take_stdout() {
  int fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) {
      ::dup2(null_fd, STDOUT_FILENO);
      ::close(null_fd);
    }
  }
  return fd;
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool has_debug_flag(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i] ? argv[i] : "";
    if (arg == "-debug" || arg == "--debug") return true;
  }
  return false;
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return (v && *v) ? v : nullptr;
}

bool force_tcp() {
  const char* v = env(kForceTcpEnv);
  return v && std::string_view(v) != "0";
}

std::optional<ListenTarget> pick_listener() {
  std::string why;
  if (!force_tcp()) {
    if (auto unix_target = pick_unix_socket(why)) return unix_target;
    log::warn("unix socket unavailable, falling back to tcp", {{"reason", why}});
  }
  if (auto tcp_target = pick_tcp_port(why)) return tcp_target;
  log::error("cannot listen: " + why);
  return std::nullopt;
}

// The host kills a plugin 2 s after Shutdown. gRPC's Shutdown waits for handlers to return,
// so a handler that ignores cancellation would hold the process past that; like a Go
// plugin (whose process ends when Serve returns) we exit anyway, cleaning the socket first.
void start_exit_watchdog(std::string socket_path) {
  std::thread([path = std::move(socket_path)] {
    std::this_thread::sleep_for(kExitDeadline);
    log::warn("handlers still running after shutdown; exiting anyway",
              {{"deadline_ms", kExitDeadline.count()}});
    if (!path.empty()) ::unlink(path.c_str());
    std::_Exit(0);
  }).detach();
}

struct SocketFileGuard {
  std::string path;
  ~SocketFileGuard() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

}  // namespace

int serve(int argc, char** argv, const std::vector<grpc::Service*>& services,
          const ServeOptions& options) {
  const auto entered = std::chrono::steady_clock::now();
  auto ms_since_entry = [&entered] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - entered)
        .count();
  };
  const bool debug = has_debug_flag(argc, argv);
  gpr_set_log_function(grpc_log_to_hclog);
  const int handshake_fd = take_stdout();

  if (!debug) {
    const char* cookie = std::getenv(std::string(kMagicCookieKey).c_str());
    if (cookie == nullptr || std::string_view(cookie) != kMagicCookieValue) {
      std::string text = not_a_plugin_message(argc > 0 && argv[0] ? argv[0] : "");
      write_all(STDERR_FILENO, text);
      return 1;
    }
  }
  // Swallow SIGINT from the first moment the host may deliver one.
  install_stop_signals(/*stop_on_sigint=*/debug);

  int version = kAppProtocolVersion;
  if (!debug) {
    const char* offered = std::getenv("PLUGIN_PROTOCOL_VERSIONS");
    Negotiation picked = negotiate_version(offered ? std::optional<std::string_view>(offered)
                                                   : std::nullopt);
    if (picked.version == 0) {
      log::error(picked.error);
      return 1;
    }
    version = picked.version;
  }
  if (handshake_fd < 0) {
    log::error("stdout is closed: cannot print the plugin handshake line");
    return 1;
  }

  // The key and certificate are made on another thread while the host's certificate is
  // checked, gRPC initialises and the listener is picked: together they are most of the
  // exec-to-handshake time.
  const char* client_cert = debug ? nullptr : env("PLUGIN_CLIENT_CERT");
  std::future<Certificate> server_cert_future;
  if (client_cert != nullptr) {
    server_cert_future = std::async(std::launch::async, [] { return make_self_signed(Curve::P256); });
  }
  if (client_cert != nullptr && !is_pem_certificate(client_cert)) {
    log::error("PLUGIN_CLIENT_CERT does not hold a PEM certificate; the plugin host must pass "
               "its AutoMTLS client certificate (or leave the variable unset)");
    return 1;
  }
  grpc_init();  // balanced below; makes the server's own init a cheap ref-count bump
  struct GrpcInitGuard {
    ~GrpcInitGuard() { grpc_shutdown(); }
  } grpc_init_guard;

  std::optional<ListenTarget> target = pick_listener();
  const double listen_ms = ms_since_entry();
  if (!target) return 1;
  SocketFileGuard socket_file{target->socket_path};

  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  std::string server_cert_der;
  if (client_cert != nullptr) {
    Certificate server_cert;
    try {
      server_cert = server_cert_future.get();
    } catch (const std::exception& e) {
      log::error(e.what());
      return 1;
    }
    grpc::SslServerCredentialsOptions tls(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    // The host's certificate, verbatim, is the only trusted root: gRPC then also advertises
    // its subject as the acceptable CA, which Go's TLS client needs to send its certificate.
    tls.pem_root_certs = client_cert;
    tls.pem_key_cert_pairs.push_back({server_cert.key_pem, server_cert.cert_pem});
    credentials = grpc::SslServerCredentials(tls);
    server_cert_der = std::move(server_cert.cert_der);
  }
  const double tls_ms = ms_since_entry();

  ControllerService controller;
  StdioService stdio;
  BrokerService broker;
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(target->grpc_uri, credentials, &selected_port);
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  // Without this, a tcp bind could share a port another process holds with SO_REUSEPORT.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(&controller);
  builder.RegisterService(&stdio);
  builder.RegisterService(&broker);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || selected_port == 0) {
    log::error("cannot start the gRPC server", {{"address", target->grpc_uri}});
    return 1;
  }
  if (target->endpoint.network == "tcp") {
    target->endpoint.address = "127.0.0.1:" + std::to_string(selected_port);
  } else {
    std::string why;
    if (!apply_socket_group(target->socket_path, why)) {
      log::error(why);
      return 1;
    }
  }
  server->GetHealthCheckService()->SetServingStatus("plugin", true);

  const double grpc_ms = ms_since_entry();
  std::string announcement =
      debug ? reattach_instructions(options.provider_address.empty()
                                        ? "registry.opentofu.org/sarga/sarga"
                                        : options.provider_address,
                                    static_cast<int>(::getpid()), target->endpoint)
            : handshake_line(version, target->endpoint, server_cert_der) + "\n";
  if (!write_all(handshake_fd, announcement)) {
    log::error("cannot write the plugin handshake to stdout", {{"errno", std::strerror(errno)}});
    server->Shutdown(std::chrono::system_clock::now());
    return 1;
  }
  log::debug("plugin server listening",
             {{"network", target->endpoint.network}, {"address", target->endpoint.address},
              {"tls", client_cert != nullptr}, {"debug", debug},
              // Cumulative milliseconds since serve() was entered, for the startup budget.
              {"ms_tls_ready", tls_ms}, {"ms_listener_picked", listen_ms},
              {"ms_grpc_started", grpc_ms}, {"ms_handshake_written", ms_since_entry()}});

  wait_for_stop();
  log::debug("plugin server stopping");
  start_exit_watchdog(target->socket_path);
  if (options.on_stop) options.on_stop();
  server->Shutdown(std::chrono::system_clock::now() + kDrainTime);
  server.reset();
  return 0;
}

}  // namespace sarga::plugin
