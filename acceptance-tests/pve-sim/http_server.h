// The HTTPS front of pve-sim: cpp-httplib SSLServer with keep-alive and a thread pool,
// /api2/json requests through the Router, faults applied per request, and the control
// endpoints under /_sim/ (faults, settings, snapshot, restore, reset, seed-guests).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "acceptance-tests/pve-sim/cluster_config.h"
#include "acceptance-tests/pve-sim/router.h"
#include "acceptance-tests/pve-sim/sim_core.h"
#include "acceptance-tests/pve-sim/tls_identity.h"

namespace httplib {
class SSLServer;
struct Request;
struct Response;
}  // namespace httplib

namespace sarga::pvesim {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8006;  // 0 picks a free port
  std::string cert_file, key_file;  // empty: generate a self-signed certificate
  std::string state_file;           // empty: memory only
  int threads = 64;                 // keep-alive connections each hold a worker
  bool access_log = false;          // one stderr line per API request (no headers, no secrets)
};

class PveSimServer {
 public:
  PveSimServer(ClusterConfig config, ServerOptions options);
  ~PveSimServer();

  // Binds the socket (throws std::runtime_error on failure) and returns the port.
  int bind();
  // Serves until stop(); call after bind().
  void run();
  // bind() + run() on a background thread; returns the port.
  int start_background();
  void stop();

  // Writes the state file now (if any); for a fast exit without joining keep-alive workers.
  void persist();

  std::string url() const;
  const TlsIdentity& identity() const { return identity_; }
  SimCore& core() { return *core_; }

  // Adds `count` stopped VMs directly to the state (scale tests and benchmarks).
  void seed_guests(int count, int first_vmid);

 private:
  void handle(const httplib::Request& req, httplib::Response& res);
  void handle_control(const std::string& path, const httplib::Request& req, httplib::Response& res);
  void background_loop();
  void save_state();

  ServerOptions options_;
  std::unique_ptr<SimCore> core_;
  Router router_;
  TlsIdentity identity_;
  std::unique_ptr<httplib::SSLServer> server_;
  int port_ = 0;
  std::thread serve_thread_;
  std::thread background_;
  std::atomic<bool> stopping_{false};
};

}  // namespace sarga::pvesim
