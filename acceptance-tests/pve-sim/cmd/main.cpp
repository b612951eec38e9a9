// pve-sim: serve a simulated Proxmox VE cluster over HTTPS.
//
//   pve-sim --listen 127.0.0.1:8006 --token 'root@pam!sarga=SECRET'
//
// Prints one "key: value" line each for url, fingerprint and pinnedpubkey, then "ready".
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "acceptance-tests/pve-sim/http_server.h"

namespace {

bool split_listen(const std::string& listen, std::string& host, int& port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    return false;
  }
  return port >= 0 && port <= 65535 && !host.empty();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pve-sim: a simulated Proxmox VE 9 cluster (HTTPS API on /api2/json)"};
  std::string listen = "127.0.0.1:8006", config_file, cert, key, cert_out, state, ready_file, root_password;
  std::vector<std::string> tokens;
  uint64_t seed = 0;
  double lag = -1;
  int threads = 64;
  bool verbose = false;
  app.add_option("--listen", listen, "host:port to listen on (port 0 picks a free one)");
  app.add_option("--token", tokens, "API token 'user@realm!id=secret' holding every privilege (repeatable)");
  app.add_option("--config", config_file, "cluster description (JSON); default: 3 nodes pve1..pve3");
  app.add_option("--cert", cert, "PEM certificate (default: self-signed, generated at start)");
  app.add_option("--key", key, "PEM private key for --cert");
  app.add_option("--cert-out", cert_out, "write the server certificate (PEM) here, for clients' CA file");
  app.add_option("--state", state, "persist the state in this JSON file (loaded at start if present)");
  app.add_option("--ready-file", ready_file, "create this file once the server accepts connections");
  app.add_option("--root-password", root_password, "password of root@pam for POST /access/ticket");
  app.add_option("--seed", seed, "seed for faults and generated MAC addresses");
  app.add_option("--resources-lag", lag, "seconds cluster/resources lags behind (default 3)");
  app.add_option("--threads", threads, "worker threads (each keep-alive connection holds one)")->check(CLI::Range(2, 1024));
  app.add_flag("--verbose", verbose, "log every API request (method, path, status, time) to stderr");
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    using namespace sarga::pvesim;
    ClusterConfig config = ClusterConfig::default_cluster();
    if (!config_file.empty()) {
      std::ifstream in(config_file);
      if (!in) throw std::runtime_error(config_file + ": cannot open");
      nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
      if (j.is_discarded()) throw std::runtime_error(config_file + ": not valid JSON");
      config = ClusterConfig::from_json(j, config_file);
    }
    for (const auto& t : tokens) config.add_token(t);
    if (!root_password.empty()) {
      bool found = false;
      for (auto& u : config.users)
        if (u.userid == "root@pam") {
          u.password = root_password;
          found = true;
        }
      if (!found) config.users.push_back({"root@pam", root_password, {{"/", {"Administrator"}}}, {}});
    }
    if (seed) config.seed = seed;
    if (lag >= 0) config.timing.resources_lag = lag;
    if (!cert.empty() && key.empty()) throw std::runtime_error("--cert needs --key");

    ServerOptions options;
    if (!split_listen(listen, options.host, options.port))
      throw std::runtime_error("--listen: expected host:port, got '" + listen + "'");
    options.cert_file = cert;
    options.key_file = key;
    options.state_file = state;
    options.threads = threads;
    options.access_log = verbose;
    PveSimServer server(config, options);
    if (!cert_out.empty()) {
      std::ofstream out(cert_out);
      out << server.identity().cert_pem();
      if (!out) throw std::runtime_error(cert_out + ": cannot write certificate");
    }
    server.start_background();
    std::printf("url: %s\n", server.url().c_str());
    std::printf("fingerprint: %s\n", server.identity().fingerprint().c_str());
    std::printf("pinnedpubkey: %s\n", server.identity().pubkey_pin().c_str());
    std::printf("nodes: %zu\n", config.nodes.size());
    if (!ready_file.empty()) {
      std::ofstream out(ready_file);
      out << server.url() << "\n";
      if (!out) throw std::runtime_error(ready_file + ": cannot write ready file");
    }
    std::printf("ready\n");
    std::fflush(stdout);
    int sig = 0;
    sigwait(&signals, &sig);
    // Joining workers would wait out idle keep-alive connections; save and leave instead.
    server.persist();
    std::fflush(stdout);
    std::_Exit(0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pve-sim: %s\n", e.what());
    return 1;
  }
}
