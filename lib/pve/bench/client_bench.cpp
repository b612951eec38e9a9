// Prints figures for the Proxmox client against a real pve-sim of this build tree:
//  - a "refresh" of N existing VMs (config + status/current each) from T threads:
//    wall time, requests per VM, connections opened (keep-alive reuse);
//  - request throughput under different max_concurrent_requests limits;
//  - the same refresh with ticket (password) auth.
// Usage: pve_client_bench [vms=200] [threads=10]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>
#include <vector>

#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"
#include "lib/pve/tests/sim_process.h"

using namespace sarga::pve;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void run_parallel(int threads, int items, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = next++; i < items; i = next++) fn(i);
    });
  for (auto& th : pool) th.join();
}

void refresh(const char* label, const Client& client, int vms, int threads, int first_vmid) {
  Guests g(client);
  auto before = client.stats();
  auto start = Clock::now();
  std::atomic<int> failures{0};
  run_parallel(threads, vms, [&](int i) {
    try {
      int vmid = first_vmid + i;
      auto node = client.guest_index().locate(client, vmid);
      if (!node) throw Error(ErrorKind::not_found, 404, "not in index");
      g.config(*node, GuestKind::qemu, vmid);
      g.status(*node, GuestKind::qemu, vmid);
    } catch (const std::exception& e) {
      if (failures++ == 0) std::fprintf(stderr, "refresh failure: %s\n", e.what());
    }
  });
  double wall = seconds_since(start);
  auto after = client.stats();
  auto requests = after.requests - before.requests;
  std::printf("%-34s vms=%d threads=%d wall=%.3fs requests=%llu (%.2f/vm) connections=%ld failures=%d\n", label, vms,
              threads, wall, static_cast<unsigned long long>(requests), static_cast<double>(requests) / vms,
              after.connections - before.connections, failures.load());
}

}  // namespace

int main(int argc, char** argv) {
  int vms = argc > 1 ? std::atoi(argv[1]) : 200;
  int threads = argc > 2 ? std::atoi(argv[2]) : 10;
  sarga::pve::testing::SimProcess sim;
  sim.control("POST", "/_sim/seed-guests", {{"count", vms}, {"first_vmid", 1000}});
  sim.settings({{"resources_lag", 0}});

  {
    auto o = sim.options();
    o.max_concurrent_requests = 8;
    Client c(o);
    refresh("refresh (token, limit 8)", c, vms, threads, 1000);
    refresh("refresh again (index cached)", c, vms, threads, 1000);
  }
  {
    auto o = sim.options();
    o.token.clear();
    o.username = "root@pam";
    o.password = sarga::pve::testing::kSimPassword;
    Client c(o);
    refresh("refresh (ticket auth, limit 8)", c, vms, threads, 1000);
    std::printf("%-34s tickets=%llu\n", "  ticket logins", static_cast<unsigned long long>(c.stats().tickets));
  }
  const int requests = 2000;
  for (int limit : {1, 4, 8, 16}) {
    auto o = sim.options();
    o.max_concurrent_requests = limit;
    Client c(o);
    auto start = Clock::now();
    run_parallel(16, requests, [&](int) { c.get("/version"); });
    double wall = seconds_since(start);
    auto s = c.stats();
    std::printf("throughput GET /version limit=%-2d   %d requests, 16 threads: %.0f req/s, max in flight %d, connections %ld\n",
                limit, requests, requests / wall, s.max_in_flight, s.connections);
  }
  return 0;
}
