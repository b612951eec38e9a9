// lib/pve against a real pve-sim process: auth (token, ticket, refresh, CSRF), TLS pinning,
// the task waiter (400 window, WARNINGS, failures), retries (lock timeouts, 5xx bursts),
// VMID races, the concurrency limit, cancellation, keep-alive, the guest index.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"
#include "lib/pve/tests/sim_process.h"
#include "lib/pve/vmid.h"

using namespace sarga::pve;
using sarga::pve::testing::SimProcess;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

long long ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

// One simulator for the whole file (starting one takes a moment); each test resets it.
class Sim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new SimProcess(); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    sim_->control("POST", "/_sim/reset");
    sim_->settings({{"all_tasks", 0.05}, {"resources_lag", 0}, {"agent_boot_delay", 0}});
  }
  static SimProcess& sim() { return *sim_; }
  static Params vm_params() { return {{"memory", "512"}, {"scsi0", "local-lvm:1"}, {"net0", "virtio,bridge=vmbr0"}}; }
  // Creates VM `vmid` on pve1 and waits for it.
  static void make_vm(const Client& c, int vmid, const std::string& node = "pve1") {
    Guests g(c);
    c.wait_task(g.create(node, GuestKind::qemu, vmid, vm_params()));
  }
  static SimProcess* sim_;
};
SimProcess* Sim::sim_ = nullptr;

TEST_F(Sim, TokenAuthAndTypedGuestCalls) {
  Client c(sim().options());
  EXPECT_EQ(c.version()["release"], "9.1");
  Guests g(c);
  make_vm(c, 101);
  auto cfg = g.config("pve1", GuestKind::qemu, 101);
  EXPECT_EQ(cfg.get("memory"), "512");  // numbers come back as strings
  EXPECT_FALSE(cfg.digest.empty());
  ASSERT_TRUE(cfg.get("scsi0"));
  EXPECT_NE(cfg.get("scsi0")->find("size=1G"), std::string::npos) << *cfg.get("scsi0");

  // Digest: a change based on a stale config is refused, a fresh one passes.
  g.update_config("pve1", GuestKind::qemu, 101, {{"memory", "1024"}}, cfg.digest);
  EXPECT_EQ(g.config("pve1", GuestKind::qemu, 101).get("memory"), "1024");
  try {
    g.update_config("pve1", GuestKind::qemu, 101, {{"memory", "2048"}}, cfg.digest);
    FAIL() << "stale digest accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("modified"), std::string::npos) << e.what();
  }

  auto grown = g.resize("pve1", 101, "scsi0", "+1G");
  if (grown) c.wait_task(*grown);
  EXPECT_NE(g.config("pve1", GuestKind::qemu, 101).get("scsi0")->find("size=2G"), std::string::npos);
  try {
    auto shrink = g.resize("pve1", 101, "scsi0", "1G");
    if (shrink) c.wait_task(*shrink);
    FAIL() << "shrink accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("shrinking"), std::string::npos) << e.what();
  }

  g.update_config("pve1", GuestKind::qemu, 101, {{"agent", "enabled=1"}});
  c.wait_task(g.start("pve1", GuestKind::qemu, 101));
  auto st = g.status("pve1", GuestKind::qemu, 101);
  EXPECT_EQ(st.status, "running");
  EXPECT_TRUE(st.agent);
  auto ifaces = g.agent_interfaces("pve1", 101);
  ASSERT_EQ(ifaces.size(), 1u);  // lo left out
  ASSERT_EQ(ifaces[0].ipv4.size(), 1u);
  EXPECT_TRUE(ifaces[0].ipv6.empty());  // link-local left out
  c.wait_task(g.shutdown("pve1", GuestKind::qemu, 101, std::chrono::seconds(5)));
  EXPECT_EQ(g.status("pve1", GuestKind::qemu, 101).status, "stopped");
  c.wait_task(g.destroy("pve1", GuestKind::qemu, 101));
  try {
    g.config("pve1", GuestKind::qemu, 101);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::not_found) << e.what();
  }
}

TEST_F(Sim, AgentCallIsBoundedAndFailsFastWithoutAgent) {
  Client c(sim().options());
  Guests g(c);
  make_vm(c, 102);
  auto t0 = Clock::now();
  EXPECT_THROW(g.agent_interfaces("pve1", 102, milliseconds(2000)), Error);
  EXPECT_LT(ms_since(t0), 2000);
}

TEST_F(Sim, TicketAuthWithCsrfOnWrites) {
  auto o = sim().options();
  o.token.clear();
  o.username = "root@pam";
  o.password = sarga::pve::testing::kSimPassword;
  Client c(o);
  make_vm(c, 110);  // a POST: needs the CSRF token
  Guests(c).update_config("pve1", GuestKind::qemu, 110, {{"name", "ticketed"}});
  EXPECT_EQ(Guests(c).config("pve1", GuestKind::qemu, 110).get("name"), "ticketed");
  EXPECT_EQ(c.stats().tickets, 1u);  // one login shared by every request

  o.password = "wrong";
  Client bad(o);
  try {
    bad.version();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unauthorized) << e.what();
    EXPECT_EQ(std::string(e.what()).find("wrong"), std::string::npos);
  }
}

TEST_F(Sim, TicketIsRenewedBeforeItExpires) {
  sim().settings({{"ticket_lifetime", 3}});
  auto o = sim().options();
  o.token.clear();
  o.username = "root@pam";
  o.password = sarga::pve::testing::kSimPassword;
  o.ticket_renew_after = std::chrono::seconds(1);
  Client c(o);
  auto t0 = Clock::now();
  int calls = 0;
  while (ms_since(t0) < 5000) {
    c.post("/pools", {{"poolid", "p" + std::to_string(calls)}});  // a write each time
    ++calls;
    std::this_thread::sleep_for(milliseconds(250));
  }
  EXPECT_GT(calls, 10);
  EXPECT_GE(c.stats().tickets, 3u);  // renewed, and nothing failed
}

TEST_F(Sim, ExpiredTicketIsReplacedOnce) {
  sim().settings({{"ticket_lifetime", 1}});
  auto o = sim().options();
  o.token.clear();
  o.username = "root@pam";
  o.password = sarga::pve::testing::kSimPassword;
  Client c(o);  // renews only after an hour: the server expires it first
  c.version();
  std::this_thread::sleep_for(milliseconds(2100));
  EXPECT_EQ(c.version()["release"], "9.1");
  EXPECT_EQ(c.stats().tickets, 2u);
}

TEST_F(Sim, FingerprintPinIsEnforced) {
  auto o = sim().options();
  std::string fp = sim().fingerprint();
  fp[0] = fp[0] == 'A' ? 'B' : 'A';
  o.tls.pinned_sha256 = fp;
  try {
    Client(o).version();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::transport);
    EXPECT_NE(std::string(e.what()).find("fingerprint"), std::string::npos) << e.what();
  }
  o.tls.pinned_sha256.clear();  // default: system CAs, which do not know the sim
  EXPECT_THROW(Client(o).version(), Error);
}

TEST_F(Sim, TaskWaiterToleratesThe400Window) {
  sim().faults({{"task_status_400_window", 0.6}});
  Client c(sim().options());
  auto t0 = Clock::now();
  make_vm(c, 120);
  EXPECT_GE(ms_since(t0), 600);
  EXPECT_EQ(Guests(c).status("pve1", GuestKind::qemu, 120).status, "stopped");
}

TEST_F(Sim, TaskWaiterPollsFastFirst) {
  Client c(sim().options());
  Guests g(c);
  auto upid = g.create("pve1", GuestKind::qemu, 121, vm_params());
  auto t0 = Clock::now();
  c.wait_task(upid);
  EXPECT_LT(ms_since(t0), 400);  // a 50 ms task is seen done at the first polls, not after 1-2 s
  auto before = c.stats().requests;
  sim().settings({{"all_tasks", 3.0}});
  t0 = Clock::now();
  c.wait_task(g.start("pve1", GuestKind::qemu, 121));
  auto waited = ms_since(t0);
  EXPECT_GE(waited, 3000);
  EXPECT_LT(waited, 5200);  // at most one 2 s poll late
  EXPECT_LE(c.stats().requests - before, 12u);  // backs off instead of hammering
}

TEST_F(Sim, WarningsAreSuccessWithLines) {
  sim().faults({{"tasks", {{{"type", "^qmstart$"}, {"warnings", 2}}}}});
  Client c(sim().options());
  make_vm(c, 130);
  auto r = c.wait_task(Guests(c).start("pve1", GuestKind::qemu, 130));
  EXPECT_EQ(r.exitstatus, "WARNINGS: 2");
  EXPECT_EQ(r.warnings, 2);
  EXPECT_EQ(r.warning_lines.size(), 2u);
}

TEST_F(Sim, FailedTaskCarriesExitStatus) {
  sim().faults({{"tasks", {{{"type", "^qmcreate$"}, {"error", "simulated create failure"}}}}});
  Client c(sim().options());
  try {
    make_vm(c, 131);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::task_failed);
    EXPECT_NE(std::string(e.what()).find("simulated create failure"), std::string::npos) << e.what();
  }
}

TEST_F(Sim, LockTimeoutsAreRetriedUntilTheLockIsFree) {
  sim().settings({{"config_lock_timeout_ms", 150}, {"task_durations", {{"qmstart", 1.2}}}});
  Client c(sim().options());
  Guests g(c);
  make_vm(c, 140);
  auto upid = g.start("pve1", GuestKind::qemu, 140);  // holds the VM lock for 1.2 s
  std::this_thread::sleep_for(milliseconds(100));
  g.update_config("pve1", GuestKind::qemu, 140, {{"description", "after the lock"}});
  EXPECT_EQ(g.config("pve1", GuestKind::qemu, 140).get("description"), "after the lock");
  EXPECT_GE(c.stats().retries, 1u);
  c.wait_task(upid);
}

TEST_F(Sim, LockRetriesGiveUpWithAClearError) {
  sim().settings({{"config_lock_timeout_ms", 100}, {"task_durations", {{"qmstart", 30.0}}}});
  Client c(sim().options());
  Guests g(c);
  make_vm(c, 141);
  g.start("pve1", GuestKind::qemu, 141);
  std::this_thread::sleep_for(milliseconds(100));
  RetryPolicy quick;
  quick.attempts = 3;
  quick.base = milliseconds(50);
  try {
    c.with_retry([&] { return c.put(guest_path("pve1", GuestKind::qemu, 141) + "/config", {{"name", "x"}}); }, quick);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::lock_timeout) << e.what();
    EXPECT_NE(std::string(e.what()).find("got timeout"), std::string::npos);
  }
  EXPECT_EQ(c.stats().retries, 2u);
}

TEST_F(Sim, LockTimeoutsInsideTheWorkerAreRetriedWithTheDispatch) {
  // PVE takes some locks in the task worker: the task then fails with "got timeout".
  sim().faults({{"tasks",
                 {{{"type", "^(qmstart|qmconfig)$"}, {"error", "can't lock file '/var/lock/qemu-server/lock-145.conf' - got timeout"},
                   {"max_hits", 3}}}}});
  Client c(sim().options());
  Guests g(c);
  make_vm(c, 145);
  auto r = g.run_task([&] { return g.start("pve1", GuestKind::qemu, 145); });
  EXPECT_EQ(r.exitstatus, "OK");
  EXPECT_EQ(g.status("pve1", GuestKind::qemu, 145).status, "running");
  g.update_config("pve1", GuestKind::qemu, 145, {{"description", "retried"}});  // the third hit: qmconfig
  EXPECT_EQ(g.config("pve1", GuestKind::qemu, 145).get("description"), "retried");
  EXPECT_EQ(c.stats().retries, 3u);
  // Other task failures are not retried.
  sim().faults({{"tasks", {{{"type", "^qmstop$"}, {"error", "stop failed: simulated"}}}}});
  try {
    g.run_task([&] { return g.stop("pve1", GuestKind::qemu, 145); });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::task_failed) << e.what();
  }
  EXPECT_EQ(c.stats().retries, 3u);
}

TEST_F(Sim, FiveHundredBurstsOnReadsAreRidden) {
  Client c(sim().options());
  make_vm(c, 150);
  sim().faults({{"requests",
                 {{{"path", "^/nodes/[^/]+/qemu/\\d+/config$"}, {"method", "GET"}, {"status", 500},
                   {"message", "temporary failure"}, {"max_hits", 2}},
                  {{"path", "^/nodes/[^/]+/qemu/\\d+/status/current$"}, {"status", 503}, {"max_hits", 2}},
                  {{"path", "^/version$"}, {"kind", "drop"}, {"max_hits", 1}}}}});
  Guests g(c);
  EXPECT_EQ(g.config("pve1", GuestKind::qemu, 150).get("memory"), "512");
  EXPECT_EQ(g.status("pve1", GuestKind::qemu, 150).status, "stopped");
  EXPECT_EQ(c.version()["release"], "9.1");
}

TEST_F(Sim, WritesAreNotRetriedOn500) {
  Client c(sim().options());
  sim().faults({{"requests", {{{"path", "^/pools$"}, {"method", "POST"}, {"status", 500}, {"message", "boom"}, {"max_hits", 1}}}}});
  EXPECT_THROW(c.post("/pools", {{"poolid", "once"}}), Error);
  auto before = c.stats().requests;
  c.post("/pools", {{"poolid", "once"}});
  EXPECT_EQ(c.stats().requests - before, 1u);
}

TEST_F(Sim, ParallelCreatesGetDistinctVmids) {
  Client c(sim().options());
  Guests g(c);
  const int n = 12;
  std::vector<int> ids(n);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      try {
        std::string upid;
        ids[i] = create_with_free_vmid(c, {}, [&](int vmid) { return g.create("pve1", GuestKind::qemu, vmid, vm_params()); }, &upid);
        c.wait_task(upid);
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(std::set<int>(ids.begin(), ids.end()).size(), static_cast<size_t>(n));
}

TEST_F(Sim, VmidTakenByAnotherProcessMovesOn) {
  Client c(sim().options());
  Client other(sim().options());  // plays a second provider process
  Guests g(c);
  int calls = 0;
  std::string upid;
  int vmid = create_with_free_vmid(
      c, {},
      [&](int candidate) {
        if (calls++ == 0) make_vm(other, candidate);  // the other process wins the race
        return g.create("pve1", GuestKind::qemu, candidate, vm_params());
      },
      &upid);
  c.wait_task(upid);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(vmid, 101);  // 100 went to the other process

  // A fixed vmid that is taken is an error naming it, not a silent move.
  try {
    create_with_free_vmid(c, {.fixed = 100}, [&](int id) { return g.create("pve1", GuestKind::qemu, id, vm_params()); });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::already_exists);
    EXPECT_NE(std::string(e.what()).find("VMID 100"), std::string::npos) << e.what();
  }
}

TEST_F(Sim, RandomRangeStaysInsideAndSkipsTaken) {
  Client c(sim().options());
  Guests g(c);
  make_vm(c, 5000);
  VmidPolicy p;
  p.random = true;
  p.from = 5000;
  p.to = 5001;
  int vmid = create_with_free_vmid(c, p, [&](int id) { return g.create("pve1", GuestKind::qemu, id, vm_params()); });
  EXPECT_EQ(vmid, 5001);
  p.to = 5000;  // full
  EXPECT_THROW(create_with_free_vmid(c, p, [&](int id) { return g.create("pve1", GuestKind::qemu, id, vm_params()); }),
               Error);
}

TEST_F(Sim, SequentialRangeAboveNextidSkipsIndexedGuests) {
  Client c(sim().options());
  Guests g(c);
  for (int id : {7000, 7001, 7002}) make_vm(c, id);
  VmidPolicy p;
  p.from = 7000;
  p.to = 7999;
  int calls = 0;
  int vmid = create_with_free_vmid(c, p, [&](int id) {
    ++calls;
    return g.create("pve1", GuestKind::qemu, id, vm_params());
  });
  EXPECT_EQ(vmid, 7003);
  EXPECT_EQ(calls, 1);
}

TEST_F(Sim, ConcurrencyLimitHolds) {
  sim().faults({{"requests", {{{"path", "^/version$"}, {"kind", "slow"}, {"delay_ms", 150}}}}});
  auto o = sim().options();
  o.max_concurrent_requests = 3;
  Client c(o);
  std::vector<std::thread> threads;
  auto t0 = Clock::now();
  for (int i = 0; i < 12; ++i) threads.emplace_back([&] { c.version(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.stats().max_in_flight, 3);
  EXPECT_GE(ms_since(t0), 4 * 150);  // 12 requests, 3 at a time
}

TEST_F(Sim, CancelStopsATaskWaitPromptly) {
  sim().settings({{"task_durations", {{"qmstart", 30.0}}}});
  Client root(sim().options());
  make_vm(root, 160);
  Cancel cancel;
  Client c = root.with_cancel(cancel);
  auto upid = Guests(c).start("pve1", GuestKind::qemu, 160);
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(300));
    cancel.cancel();
  });
  auto t0 = Clock::now();
  try {
    c.wait_task(upid);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::cancelled);
  }
  canceller.join();
  EXPECT_LT(ms_since(t0), 600);
  // Other handles are unaffected.
  EXPECT_EQ(root.version()["release"], "9.1");
}

TEST_F(Sim, StopAllStopsEveryHandleAndInFlightRequests) {
  sim().faults({{"requests", {{{"path", "^/version$"}, {"kind", "slow"}, {"delay_ms", 8000}}}}});
  Client root(sim().options());
  Client a = root.with_cancel(Cancel());
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(300));
    root.stop_all();
  });
  auto t0 = Clock::now();
  try {
    a.version();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::cancelled) << e.what();
  }
  stopper.join();
  EXPECT_LT(ms_since(t0), 2500);  // libcurl checks about once a second
  EXPECT_THROW(root.get("/nodes"), Error);  // and stays stopped
}

TEST_F(Sim, KeepAliveReusesConnections) {
  Client c(sim().options());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) c.get("/nodes");
    });
  for (auto& t : threads) t.join();
  auto s = c.stats();
  EXPECT_EQ(s.requests, 100u);
  EXPECT_LE(s.connections, 8);  // not one TLS handshake per request
}

TEST_F(Sim, GuestIndexIsFetchedOnceAndRefetchedOnMisses) {
  Client c(sim().options());
  make_vm(c, 170, "pve2");
  make_vm(c, 171, "pve3");
  auto& index = c.guest_index();
  EXPECT_EQ(index.locate(c, 170), "pve2");
  EXPECT_EQ(index.locate(c, 171), "pve3");
  EXPECT_EQ(index.nodes(c), (std::vector<std::string>{"pve1", "pve2", "pve3"}));
  EXPECT_EQ(index.fetches(), 1);
  // A guest created after the fetch: unknown until a miss forces a (rate-limited) refetch.
  make_vm(c, 172, "pve1");
  EXPECT_FALSE(index.locate(c, 172));
  EXPECT_EQ(index.fetches(), 1);
  std::this_thread::sleep_for(milliseconds(2100));
  EXPECT_EQ(index.locate(c, 172, "pve3"), "pve1");
  EXPECT_EQ(index.fetches(), 2);
  EXPECT_FALSE(index.locate(c, 999, "pve1"));  // gone everywhere; within min_refetch: no fetch
  EXPECT_EQ(index.fetches(), 2);
  Guests(c).update_config("pve2", GuestKind::qemu, 170, {{"tags", "Web;prod"}});
  auto found = index.find(c, GuestKind::qemu, "", {"prod"}, /*fresh=*/false);
  EXPECT_TRUE(found.empty());  // the cached picture predates the tag
  std::this_thread::sleep_for(milliseconds(2100));
  found = index.find(c, GuestKind::qemu, "", {"prod", "web"}, /*fresh=*/true);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].vmid, 170);
  EXPECT_EQ(found[0].node, "pve2");
}

TEST_F(Sim, WaitUnlockedFollowsTheLockProperty) {
  Client c(sim().options());
  Guests g(c);
  make_vm(c, 180);
  sim().settings({{"task_durations", {{"qmclone", 1.0}}}});
  auto upid = g.clone("pve1", GuestKind::qemu, 180, 181, {{"name", "copy"}});
  EXPECT_EQ(g.status("pve1", GuestKind::qemu, 181).lock, "clone");
  EXPECT_THROW(g.wait_unlocked("pve1", GuestKind::qemu, 181, milliseconds(200)), Error);
  auto t0 = Clock::now();
  g.wait_unlocked("pve1", GuestKind::qemu, 181, milliseconds(5000));
  EXPECT_LT(ms_since(t0), 2500);
  EXPECT_EQ(g.status("pve1", GuestKind::qemu, 181).lock, "");
  c.wait_task(upid);
}

TEST_F(Sim, PendingValuesAreReported) {
  Client c(sim().options());
  Guests g(c);
  make_vm(c, 185);
  c.wait_task(g.start("pve1", GuestKind::qemu, 185));
  // A running VM cannot change its CPU type at once: PVE keeps it pending.
  g.update_config("pve1", GuestKind::qemu, 185, {{"cpu", "host"}});
  auto cfg = g.config("pve1", GuestKind::qemu, 185, /*with_pending=*/true);
  ASSERT_TRUE(cfg.pending.count("cpu")) << "no pending cpu";
  EXPECT_EQ(cfg.pending.at("cpu"), "host");
}

TEST_F(Sim, NodesList) {
  Client c(sim().options());
  auto nodes = list_nodes(c);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].name, "pve1");
  EXPECT_EQ(nodes[0].status, "online");
  EXPECT_GT(nodes[0].cpus, 0);
  EXPECT_GT(nodes[0].memory, 0u);
}

}  // namespace
