// Prints how fast pve_sim_schema matches and validates typical pve-sim requests.
// Usage: pve_sim_schema_bench [iterations]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "acceptance-tests/pve-sim/schema/schema.h"

using namespace sarga::pvesim::schema;

namespace {

struct Case {
  const char* label;
  const char* method;
  const char* path;
  Params params;
};

double run(const Schema& s, const Case& c, int iterations) {
  auto start = std::chrono::steady_clock::now();
  size_t errors = 0;
  for (int i = 0; i < iterations; ++i) {
    Match m = s.match(c.method, c.path);
    Validation v = s.validate(m, c.params);
    errors += v.errors.size();
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (errors != 0) std::fprintf(stderr, "%s: unexpected validation errors\n", c.label);
  return iterations / secs;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 20000;
  auto t0 = std::chrono::steady_clock::now();
  const Schema& s = Schema::builtin();
  double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("schema load: %.1f ms, %zu endpoints\n", load_ms, s.endpoint_count());

  Case cases[] = {
      {"GET qemu config", "GET", "/nodes/pve1/qemu/100/config", {}},
      {"GET cluster/resources", "GET", "/cluster/resources", {{"type", "vm"}}},
      {"GET task status", "GET", "/nodes/pve1/tasks/UPID:pve1:00010D94:001CA6EA:6124E1B9:qmcreate:100:root@pam:/status", {}},
      {"POST qemu create", "POST", "/nodes/pve1/qemu",
       {{"vmid", "100"}, {"name", "web-1"}, {"memory", "2048"}, {"cores", "2"},
        {"net0", "virtio,bridge=vmbr0,tag=20"}, {"scsi0", "local-lvm:32,discard=on,iothread=1"},
        {"scsihw", "virtio-scsi-single"}, {"ipconfig0", "ip=10.0.0.5/24,gw=10.0.0.1"},
        {"agent", "enabled=1"}, {"tags", "prod;web"}, {"ostype", "l26"}}},
      {"POST lxc create", "POST", "/nodes/pve1/lxc",
       {{"vmid", "200"}, {"ostemplate", "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"},
        {"rootfs", "local-lvm:8"}, {"mp0", "local-lvm:4,mp=/data"},
        {"net0", "name=eth0,bridge=vmbr0,ip=dhcp"}, {"hostname", "ct1"}}},
  };
  for (const auto& c : cases)
    std::printf("%-22s %10.0f req/s (1 core, match + validate)\n", c.label, run(s, c, iterations));
  return 0;
}
