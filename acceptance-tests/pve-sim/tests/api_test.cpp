// API semantics through the Router (no HTTP): nextid races, clone locks, pending/digest,
// resize, tasks, permissions, schema errors.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "acceptance-tests/pve-sim/tests/sim_fixture.h"

namespace sarga::pvesim {
namespace {

using testing::SimFixture;

TEST(Api, SchemaErrorsComeBackInPveShape) {
  SimFixture f;
  Reply r = f.call("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"cores", "abc"}, {"bogus", "1"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["message"], "Parameter verification failed.\n");
  EXPECT_TRUE(r.body["data"].is_null());
  EXPECT_TRUE(r.body["errors"].contains("cores"));
  EXPECT_TRUE(r.body["errors"].contains("bogus"));
}

TEST(Api, UnknownPathIs501AndBadTokenIs401) {
  SimFixture f;
  EXPECT_EQ(f.call("GET", "/nodes/pve1/bogus").status, 501);
  Reply r = f.call("GET", "/version", {}, "root@pam!t=wrong");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["message"], "authentication failure\n");
  RawRequest raw;
  raw.method = "GET";
  raw.path = "/version";
  EXPECT_EQ(f.router.handle(f.core, raw).body["message"], "No ticket\n");
}

TEST(Api, TokenSecretMayFollowAColon) {
  SimFixture f;
  EXPECT_EQ(f.call("GET", "/version", {}, "root@pam!t:secret").status, 200);
}

TEST(Api, AuditorTokenGets403WithPrivilegeName) {
  SimFixture f;
  Reply r = f.call("POST", "/nodes/pve1/qemu", {{"vmid", "100"}}, "audit@pve!ro=ro-secret");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body["message"], "Permission check failed (/vms/100, VM.Allocate)\n");
  EXPECT_EQ(f.call("GET", "/cluster/resources", {}, "audit@pve!ro=ro-secret").status, 200);
}

TEST(Api, NextidWithTakenVmidIs400) {
  SimFixture f;
  f.create_vm(100);
  Reply r = f.call("GET", "/cluster/nextid", {{"vmid", "100"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["vmid"], "VM 100 already exists");
  EXPECT_EQ(f.call("GET", "/cluster/nextid").body["data"], "101");
}

TEST(Api, ParallelCreatesOfOneVmidHaveExactlyOneWinner) {
  SimFixture f;
  std::atomic<int> ok{0}, exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      Reply r = f.call("POST", "/nodes/pve1/qemu", {{"vmid", "150"}, {"scsi0", "local-lvm:1"}});
      if (r.status == 200) ++ok;
      else if (std::string(r.body["message"]).find("already exists") != std::string::npos) ++exists;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(exists, 7);
}

TEST(Api, CloneOfRunningVmTimesOutOnTheSourceLock) {
  SimFixture f;
  f.create_vm(100);
  ASSERT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/status/start").body["data"]), "OK");
  {
    std::unique_lock lk(f.core.mutex);
    f.core.timing.task_durations["qmclone"] = 3.0;
  }
  Reply first = f.call("POST", "/nodes/pve1/qemu/100/clone", {{"newid", "101"}});
  ASSERT_EQ(first.status, 200) << first.body.dump();
  auto start = std::chrono::steady_clock::now();
  Reply second = f.call("POST", "/nodes/pve1/qemu/100/clone", {{"newid", "102"}});
  EXPECT_EQ(second.status, 500);
  EXPECT_EQ(second.body["message"], "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(950));
  // The clone in progress shows lock=clone on the new VM.
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/101/config").body["data"]["lock"], "clone");
}

TEST(Api, LinkedCloneOfTemplateSharesBase) {
  SimFixture f;
  f.create_vm(100);
  ASSERT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/template").body["data"]), "OK");
  Reply r = f.call("POST", "/nodes/pve1/qemu/100/clone", {{"newid", "101"}, {"name", "child"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(f.wait_task(r.body["data"]), "OK");
  auto cfg = f.call("GET", "/nodes/pve1/qemu/101/config").body["data"];
  EXPECT_EQ(cfg["scsi0"], "local-lvm:base-100-disk-0/vm-101-disk-0,size=8G");
  EXPECT_EQ(cfg["name"], "child");
  EXPECT_NE(cfg["net0"], f.call("GET", "/nodes/pve1/qemu/100/config").body["data"]["net0"]);
  // The template cannot go while its linked clone exists.
  std::string upid = f.call("DELETE", "/nodes/pve1/qemu/100").body["data"];
  EXPECT_EQ(f.wait_task(upid), "base volume 'local-lvm:base-100-disk-0' is still in use by linked cloned");
}

TEST(Api, CloneToAnotherNodeNeedsSharedStorage) {
  SimFixture f;
  f.create_vm(100);
  Reply r = f.call("POST", "/nodes/pve1/qemu/100/clone", {{"newid", "101"}, {"target", "pve2"}});
  EXPECT_EQ(r.body["message"], "can't clone VM to node 'pve2' (VM uses local storage)\n");
  Reply nfs = f.call("POST", "/nodes/pve1/qemu", {{"vmid", "110"}, {"virtio0", "nfs:4"}});
  ASSERT_EQ(f.wait_task(nfs.body["data"]), "OK");
  ASSERT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/110/template").body["data"]), "OK");
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/110/config").body["data"]["virtio0"], "nfs:110/base-110-disk-0.qcow2,size=4G");
  r = f.call("POST", "/nodes/pve1/qemu/110/clone", {{"newid", "111"}, {"target", "pve3"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["data"].get<std::string>().rfind("UPID:pve1:", 0), 0u);  // the task runs on the source node
  ASSERT_EQ(f.wait_task(r.body["data"]), "OK");
  EXPECT_EQ(f.call("GET", "/nodes/pve3/qemu/111/config").body["data"]["virtio0"],
            "nfs:110/base-110-disk-0.qcow2/111/vm-111-disk-0.qcow2,size=4G");
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/111/config").status, 500);
}

TEST(Api, PendingChangesOnRunningVmAndDigestCheck) {
  SimFixture f;
  f.create_vm(100, {{"cores", "2"}});
  ASSERT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/status/start").body["data"]), "OK");
  std::string digest = f.call("GET", "/nodes/pve1/qemu/100/config").body["data"]["digest"];
  ASSERT_EQ(f.call("PUT", "/nodes/pve1/qemu/100/config", {{"cores", "4"}, {"name", "n1"}, {"digest", digest}}).status, 200);
  auto current = f.call("GET", "/nodes/pve1/qemu/100/config", {{"current", "1"}}).body["data"];
  EXPECT_EQ(current["cores"], 2);
  EXPECT_EQ(current["name"], "n1");  // hot-applied
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/100/config").body["data"]["cores"], 4);
  bool found = false;
  Reply pending = f.call("GET", "/nodes/pve1/qemu/100/pending");
  for (const auto& e : pending.body["data"])
    if (e["key"] == "cores") {
      found = true;
      EXPECT_EQ(e["value"], 2);
      EXPECT_EQ(e["pending"], 4);
    }
  EXPECT_TRUE(found) << pending.body.dump();
  Reply stale = f.call("PUT", "/nodes/pve1/qemu/100/config", {{"cores", "8"}, {"digest", digest}});
  EXPECT_EQ(stale.status, 500);
  EXPECT_EQ(stale.body["message"], "detected modified configuration - file changed by other user? Try again.\n");
  ASSERT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/status/reboot").body["data"]), "OK");
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/100/config", {{"current", "1"}}).body["data"]["cores"], 4);
}

TEST(Api, ResizeGrowsOnly) {
  SimFixture f;
  f.create_vm(100);
  ASSERT_EQ(f.wait_task(f.call("PUT", "/nodes/pve1/qemu/100/resize", {{"disk", "scsi0"}, {"size", "+2G"}}).body["data"]), "OK");
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/100/config").body["data"]["scsi0"], "local-lvm:vm-100-disk-0,size=10G");
  Reply shrink = f.call("PUT", "/nodes/pve1/qemu/100/resize", {{"disk", "scsi0"}, {"size", "4G"}});
  EXPECT_EQ(shrink.status, 500);
  EXPECT_EQ(shrink.body["message"], "shrinking disks is not supported\n");
  EXPECT_EQ(f.call("PUT", "/nodes/pve1/qemu/100/resize", {{"disk", "scsi1"}, {"size", "20G"}}).body["message"],
            "disk 'scsi1' does not exist\n");
}

TEST(Api, TagsNormalisedOnWrite) {
  SimFixture f;
  f.create_vm(100, {{"tags", "web;Prod;db;prod"}});
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/100/config").body["data"]["tags"], "db;Prod;web");
}

TEST(Api, TaskStatusShowsRunningThenStopped) {
  SimFixture f;
  {
    std::unique_lock lk(f.core.mutex);
    f.core.timing.task_durations["qmcreate"] = 0.3;
  }
  Reply r = f.call("POST", "/nodes/pve2/qemu", {{"vmid", "300"}});
  std::string upid = r.body["data"];
  EXPECT_EQ(upid.rfind("UPID:pve2:", 0), 0u);
  EXPECT_EQ(upid.back(), ':');
  auto st = f.call("GET", "/nodes/pve2/tasks/" + upid + "/status").body["data"];
  EXPECT_EQ(st["status"], "running");
  EXPECT_FALSE(st.contains("exitstatus"));
  EXPECT_EQ(f.call("GET", "/nodes/pve1/tasks/" + upid + "/status").status, 400);  // node-local
  EXPECT_EQ(f.wait_task(upid), "OK");
  auto log = f.call("GET", "/nodes/pve2/tasks/" + upid + "/log").body["data"];
  EXPECT_EQ(log.back()["t"], "TASK OK");
}

TEST(Api, FailingTaskFaultAndWarnings) {
  SimFixture f;
  f.core.faults.configure({{"tasks", {{{"type", "^qmstart$"}, {"error", "start failed: QEMU exited with code 1"}},
                                      {{"type", "^qmstop$"}, {"warnings", 2}}}}});
  f.create_vm(100);
  EXPECT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/status/start").body["data"]),
            "start failed: QEMU exited with code 1");
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/100/status/current").body["data"]["status"], "stopped");
  EXPECT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/status/stop").body["data"]), "WARNINGS: 2");
}

TEST(Api, AgentNeedsEnabledAndRunning) {
  SimFixture f;
  f.create_vm(100);
  EXPECT_EQ(f.call("POST", "/nodes/pve1/qemu/100/agent/ping").body["message"], "No QEMU guest agent configured\n");
  f.call("PUT", "/nodes/pve1/qemu/100/config", {{"agent", "enabled=1"}});
  EXPECT_EQ(f.call("POST", "/nodes/pve1/qemu/100/agent/ping").body["message"], "VM 100 is not running\n");
  {
    std::unique_lock lk(f.core.mutex);
    f.core.timing.agent_boot_delay = 0;
  }
  ASSERT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/status/start").body["data"]), "OK");
  EXPECT_EQ(f.call("POST", "/nodes/pve1/qemu/100/agent/ping").status, 200);
  auto ifs = f.call("GET", "/nodes/pve1/qemu/100/agent/network-get-interfaces").body["data"]["result"];
  ASSERT_EQ(ifs.size(), 2u);
  EXPECT_EQ(ifs[1]["ip-addresses"][0]["ip-address-type"], "ipv4");
}

TEST(Api, DeleteRunningVmRefusedThenPurged) {
  SimFixture f;
  f.create_vm(100);
  ASSERT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/status/start").body["data"]), "OK");
  EXPECT_EQ(f.call("DELETE", "/nodes/pve1/qemu/100").body["message"], "VM 100 is running - destroy failed\n");
  ASSERT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/status/stop").body["data"]), "OK");
  ASSERT_EQ(f.wait_task(f.call("DELETE", "/nodes/pve1/qemu/100", {{"purge", "1"}}).body["data"]), "OK");
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/100/config").body["message"],
            "Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist\n");
  EXPECT_TRUE(f.call("GET", "/nodes/pve1/storage/local-lvm/content").body["data"].empty());
}

TEST(Api, LxcCreateNeedsExistingTemplate) {
  SimFixture f;
  Reply r = f.call("POST", "/nodes/pve1/lxc", {{"vmid", "200"}, {"ostemplate", "local:vztmpl/debian-12.tar.zst"}});
  EXPECT_EQ(r.body["message"], "volume 'local:vztmpl/debian-12.tar.zst' does not exist\n");
  {
    std::unique_lock lk(f.core.mutex);
    Volume v;
    v.volid = "local:vztmpl/debian-12.tar.zst";
    v.content = "vztmpl";
    v.size = 1000;
    f.core.volumes["pve1/local"][v.volid] = v;
  }
  r = f.call("POST", "/nodes/pve1/lxc", {{"vmid", "200"}, {"ostemplate", "local:vztmpl/debian-12.tar.zst"},
                                          {"rootfs", "local-lvm:4"}, {"tags", "Web;API"}, {"net0", "name=eth0,bridge=vmbr0,ip=dhcp"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(f.wait_task(r.body["data"]), "OK");
  auto cfg = f.call("GET", "/nodes/pve1/lxc/200/config").body["data"];
  EXPECT_EQ(cfg["rootfs"], "local-lvm:vm-200-disk-0,size=4G");
  EXPECT_EQ(cfg["tags"], "api;web");
  EXPECT_EQ(cfg["ostype"], "debian");
  EXPECT_EQ(cfg["unprivileged"], 1);
  EXPECT_EQ(f.call("POST", "/nodes/pve1/lxc/200/template").status, 200);
  EXPECT_EQ(f.call("GET", "/nodes/pve1/lxc/200/config").body["data"]["rootfs"], "local-lvm:base-200-disk-0,size=4G");
}

TEST(Api, ResourcesLagBehindState) {
  SimFixture f;
  {
    std::unique_lock lk(f.core.mutex);
    f.core.timing.resources_lag = 60;
  }
  EXPECT_EQ(f.call("GET", "/cluster/resources", {{"type", "vm"}}).body["data"].size(), 0u);
  f.create_vm(100);
  EXPECT_EQ(f.call("GET", "/cluster/resources", {{"type", "vm"}}).body["data"].size(), 0u);  // stale picture
  {
    std::unique_lock lk(f.core.mutex);
    f.core.timing.resources_lag = 0;
  }
  EXPECT_EQ(f.call("GET", "/cluster/resources", {{"type", "vm"}}).body["data"].size(), 1u);
}

TEST(Api, SnapshotRestoreRoundTrip) {
  SimFixture f;
  f.create_vm(100, {{"name", "keep"}});
  nlohmann::json snap;
  {
    std::shared_lock lk(f.core.mutex);
    snap = f.core.snapshot();
  }
  {
    std::unique_lock lk(f.core.mutex);
    f.core.reset();
  }
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/100/config").status, 500);
  {
    std::unique_lock lk(f.core.mutex);
    f.core.restore(snap);
  }
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/100/config").body["data"]["name"], "keep");
}

}  // namespace
}  // namespace sarga::pvesim
