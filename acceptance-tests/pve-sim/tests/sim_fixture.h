// A SimCore plus Router driven without HTTP, for unit tests of the API semantics.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "acceptance-tests/pve-sim/router.h"

namespace sarga::pvesim::testing {

class SimFixture {
 public:
  explicit SimFixture(const ClusterConfig& config = make_config()) : core(config) {
    register_cluster_handlers(router);
    register_access_handlers(router);
    register_storage_handlers(router);
    register_qemu_handlers(router);
    register_lxc_handlers(router);
    register_task_handlers(router);
    register_pool_handlers(router);
    std::unique_lock lk(core.mutex);
    core.timing.merge({{"all_tasks", 0.0}, {"resources_lag", 0.0}});
  }

  static ClusterConfig make_config() {
    ClusterConfig c = ClusterConfig::default_cluster();
    c.add_token("root@pam!t=secret");
    c.users.push_back({"audit@pve", "", {{"/", {"PVEAuditor"}}}, {{"ro", "ro-secret", false, {}}}});
    return c;
  }

  Reply call(const std::string& method, const std::string& path, schema::Params params = {},
             const std::string& token = "root@pam!t=secret") {
    core.settle();
    RawRequest r;
    r.method = method;
    r.path = path;
    r.params = std::move(params);
    r.authorization = "PVEAPIToken=" + token;
    return router.handle(core, std::move(r));
  }

  // Waits (bounded) until the task's status is stopped; returns its exit status.
  std::string wait_task(const std::string& upid) {
    auto node = upid.substr(5, upid.find(':', 5) - 5);
    for (int i = 0; i < 500; ++i) {
      Reply r = call("GET", "/nodes/" + node + "/tasks/" + upid + "/status");
      if (r.status == 200 && r.body["data"]["status"] == "stopped") return r.body["data"]["exitstatus"];
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return "timeout waiting for " + upid;
  }

  // Creates VM `vmid` on pve1 with one 8 GiB disk and waits for the task.
  void create_vm(int vmid, std::vector<schema::Param> extra = {}) {
    schema::Params p = {{"vmid", std::to_string(vmid)}, {"scsi0", "local-lvm:8"}, {"net0", "virtio,bridge=vmbr0"}};
    for (auto& e : extra) p.push_back(e);
    Reply r = call("POST", "/nodes/pve1/qemu", p);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    ASSERT_EQ(wait_task(r.body["data"]), "OK");
  }

  SimCore core;
  Router router;
};

}  // namespace sarga::pvesim::testing
