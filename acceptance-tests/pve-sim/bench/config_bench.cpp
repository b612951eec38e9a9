// GET config throughput against 1,000 guests on 3 nodes: an in-process pve-sim and
// keep-alive HTTPS clients (default 3 connections) on loopback. Prints requests/s.
//
//   pve_sim_bench [seconds=5] [connections=3] [guests=1000]
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "acceptance-tests/pve-sim/http_server.h"

int main(int argc, char** argv) {
  using namespace sarga::pvesim;
  double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  int connections = argc > 2 ? std::atoi(argv[2]) : 3;
  int guests = argc > 3 ? std::atoi(argv[3]) : 1000;
  ClusterConfig config = ClusterConfig::default_cluster();
  config.add_token("root@pam!bench=bench-secret");
  ServerOptions options;
  options.port = 0;
  PveSimServer server(config, options);
  server.seed_guests(guests, 1000);
  int port = server.start_background();
  const auto& nodes = config.nodes;

  std::atomic<long> ok{0}, failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int c = 0; c < connections; ++c) {
    workers.emplace_back([&, c] {
      httplib::SSLClient cli("127.0.0.1", port);
      cli.enable_server_certificate_verification(false);  // loopback benchmark of our own server
      cli.set_keep_alive(true);
      cli.set_tcp_nodelay(true);
      httplib::Headers headers = {{"Authorization", "PVEAPIToken=root@pam!bench=bench-secret"}};
      unsigned i = static_cast<unsigned>(c) * 7919;
      while (!stop) {
        int vmid = 1000 + static_cast<int>(i++ % static_cast<unsigned>(guests));
        const std::string& node = nodes[static_cast<size_t>(vmid - 1000) % nodes.size()].name;
        auto res = cli.Get(("/api2/json/nodes/" + node + "/qemu/" + std::to_string(vmid) + "/config").c_str(), headers);
        if (res && res->status == 200)
          ++ok;
        else
          ++failed;
      }
    });
  }
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("pve-sim GET /nodes/{node}/qemu/{vmid}/config: %d guests, %d keep-alive connections, %.1f s\n",
              guests, connections, elapsed);
  std::printf("requests ok: %ld, failed: %ld\n", ok.load(), failed.load());
  std::printf("throughput: %.0f req/s\n", static_cast<double>(ok.load()) / elapsed);
  server.stop();
  return failed.load() == 0 ? 0 : 1;
}
