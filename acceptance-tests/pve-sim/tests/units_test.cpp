// UPID, tags, property strings, sizes, locks, config digest/pending, faults.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/faults.h"
#include "acceptance-tests/pve-sim/guest_config.h"
#include "acceptance-tests/pve-sim/lock_table.h"
#include "acceptance-tests/pve-sim/prop_string.h"
#include "acceptance-tests/pve-sim/tags.h"
#include "acceptance-tests/pve-sim/task_engine.h"
#include "acceptance-tests/pve-sim/upid.h"

namespace sarga::pvesim {
namespace {

TEST(Upid, FormatsLikePve) {
  Upid u{"pve1", 0x10D94, 0x1CA6EA, 0x6124E1B9, "vzdump", "100", "root@pam"};
  EXPECT_EQ(format_upid(u), "UPID:pve1:00010D94:001CA6EA:6124E1B9:vzdump:100:root@pam:");
}

TEST(Upid, RoundTripsWithTokenUserAndEmptyId) {
  Upid u{"node-2", 1, 0x123456789, 2, "imgcopy", "", "root@pam!sarga"};
  std::string text = format_upid(u);
  EXPECT_EQ(text, "UPID:node-2:00000001:123456789:00000002:imgcopy::root@pam!sarga:");
  auto back = parse_upid(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->pstart, 0x123456789u);
  EXPECT_EQ(back->id, "");
  EXPECT_EQ(back->user, "root@pam!sarga");
}

TEST(Upid, RejectsMalformed) {
  EXPECT_FALSE(parse_upid("UPID:pve1:00010D94:001CA6EA:6124E1B9:vzdump:100:root@pam"));  // no trailing ':'
  EXPECT_FALSE(parse_upid("UPID:-pve:00010D94:001CA6EA:6124E1B9:vzdump:100:root@pam:"));
  EXPECT_FALSE(parse_upid("UPID:pve1:10D94:001CA6EA:6124E1B9:vzdump:100:root@pam:"));
  EXPECT_FALSE(parse_upid("UPID:pve1:00010D94:001CA6EA:6124E1B9::100:root@pam:"));
  EXPECT_TRUE(parse_upid("UPID:pve1:00010d94:001ca6ea:6124e1b9:vzdump:100:root@pam:"));
}

TEST(Tags, SortsDedupsAndSplitsLikePve) {
  EXPECT_EQ(normalize_tags("web;Prod,db  prod", GuestKind::qemu), "db;Prod;web");
  EXPECT_EQ(normalize_tags("B;a;b", GuestKind::qemu), "a;B");
  EXPECT_EQ(normalize_tags("", GuestKind::qemu), "");
}

TEST(Tags, ContainersAreLowercased) { EXPECT_EQ(normalize_tags("Web;DB", GuestKind::lxc), "db;web"); }

TEST(PropString, ParsesPositionalAndNamedDefault) {
  auto p = parse_prop_string("local-lvm:32,iothread=1,discard=on", "file");
  EXPECT_EQ(p.positional, "local-lvm:32");
  EXPECT_EQ(p.options["iothread"], "1");
  EXPECT_EQ(print_prop_string(p), "local-lvm:32,discard=on,iothread=1");
  auto q = parse_prop_string("file=local:iso/x.iso,media=cdrom", "file");
  EXPECT_EQ(q.positional, "local:iso/x.iso");
}

TEST(Sizes, ParseAndFormat) {
  EXPECT_EQ(parse_size("32G", 'B'), 32ULL << 30);
  EXPECT_EQ(parse_size("1.5G", 'B'), 3ULL << 29);
  EXPECT_EQ(parse_size("512", 'K'), 512ULL << 10);
  EXPECT_FALSE(parse_size("12X", 'B'));
  EXPECT_FALSE(parse_size("G", 'B'));
  EXPECT_EQ(format_size(32ULL << 30), "32G");
  EXPECT_EQ(format_size(1536ULL << 20), "1536M");
  EXPECT_EQ(format_size(1000), "1000");
}

TEST(Locks, ExclusiveTimesOutWithPveText) {
  LockTable t;
  auto held = t.acquire(LockTable::qemu_file(100), false, std::chrono::milliseconds(10));
  auto start = std::chrono::steady_clock::now();
  try {
    t.acquire(LockTable::qemu_file(100), true, std::chrono::milliseconds(200));
    FAIL() << "second lock should time out";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_STREQ(e.what(), "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));
}

TEST(Locks, SharedHoldersCoexistButBlockExclusive) {
  LockTable t;
  auto a = t.acquire("f", true, std::chrono::milliseconds(10));
  auto b = t.acquire("f", true, std::chrono::milliseconds(10));
  EXPECT_FALSE(t.try_acquire("f", false, std::chrono::milliseconds(20)));
  a.reset();
  EXPECT_FALSE(t.try_acquire("f", false, std::chrono::milliseconds(20)));
  b.reset();
  EXPECT_TRUE(t.try_acquire("f", false, std::chrono::milliseconds(20)));
  EXPECT_FALSE(t.is_locked("f"));
}

TEST(Locks, WaiterGetsLockWhenReleased) {
  LockTable t;
  auto held = t.acquire("f", false, std::chrono::milliseconds(10));
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    held.reset();
  });
  auto got = t.try_acquire("f", false, std::chrono::milliseconds(2000));
  releaser.join();
  EXPECT_TRUE(got);
}

TEST(GuestConfigTest, DigestChangesWithContentAndPending) {
  GuestConfig c;
  c.set("cores", "2", false);
  std::string d1 = c.digest();
  EXPECT_EQ(d1.size(), 40u);
  c.set("memory", "4096", true);
  std::string d2 = c.digest();
  EXPECT_NE(d1, d2);
  c.revert({"memory"});
  EXPECT_EQ(c.digest(), d1);
}

TEST(GuestConfigTest, PendingViewAndApply) {
  GuestConfig c;
  c.set("cores", "2", false);
  c.set("name", "a", false);
  c.set("cores", "4", true);
  c.remove("name", true);
  EXPECT_EQ(c.view(true).at("cores"), "2");
  EXPECT_EQ(c.view(false).at("cores"), "4");
  EXPECT_FALSE(c.view(false).count("name"));
  auto items = c.pending_items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].key, "cores");
  EXPECT_EQ(*items[0].pending, "4");
  EXPECT_TRUE(items[1].remove);
  c.apply_pending();
  EXPECT_EQ(c.current.at("cores"), "4");
  EXPECT_FALSE(c.current.count("name"));
  EXPECT_TRUE(c.pending.empty());
}

TEST(FaultsTest, SameSeedSameDecisions) {
  auto run = [](uint64_t seed) {
    Faults f(seed);
    f.configure({{"requests", {{{"path", "/config$"}, {"rate", 0.5}, {"status", 503}}}}});
    std::string pattern;
    for (int i = 0; i < 64; ++i) pattern += f.on_request("GET", "/nodes/pve1/qemu/100/config").empty() ? '.' : 'X';
    return pattern;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
  std::string p = run(7);
  auto hits = std::count(p.begin(), p.end(), 'X');
  EXPECT_GT(hits, 16);
  EXPECT_LT(hits, 48);
}

TEST(FaultsTest, TaskRulesStopAfterMaxHits) {
  Faults f;
  f.configure({{"tasks", {{{"type", "^qmstart$"}, {"error", "can't lock file 'x' - got timeout"}, {"max_hits", 2}}}}});
  EXPECT_TRUE(f.on_task("qmstart"));
  EXPECT_FALSE(f.on_task("qmstop"));  // other types do not count
  EXPECT_TRUE(f.on_task("qmstart"));
  EXPECT_FALSE(f.on_task("qmstart"));
  EXPECT_FALSE(f.on_task("qmstart"));
}

TEST(FaultsTest, RejectsBadPlansWithFieldNames) {
  Faults f;
  try {
    f.configure({{"requests", {{{"path", "("}}}}});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("requests[0].path"), std::string::npos);
  }
  EXPECT_THROW(f.configure({{"requests", {{{"path", "x"}, {"kind", "explode"}}}}}), std::runtime_error);
  EXPECT_THROW(f.configure({{"tasks", {{{"type", "qm"}}}}}), std::runtime_error);
}

}  // namespace
}  // namespace sarga::pvesim

namespace sarga::pvesim {
namespace {

TEST(TaskEngineTest, KeepsABoundedHistory) {
  TaskEngine e;
  std::string first;
  for (size_t i = 0; i < TaskEngine::kMaxTasks + 5; ++i) {
    TaskSpec spec;
    spec.node = "pve1";
    spec.type = "qmstart";
    spec.id = std::to_string(i);
    spec.user = "root@pam";
    std::string upid = e.start(std::move(spec), static_cast<double>(i), 1700000000, 1699900000);
    if (i == 0) first = upid;
  }
  e.settle(1e9);
  EXPECT_EQ(e.list("pve1").size(), TaskEngine::kMaxTasks);
  EXPECT_EQ(e.find(first), nullptr);
}

TEST(TaskEngineTest, FailedEffectRunsCleanupAndLogsError) {
  TaskEngine e;
  bool cleaned = false;
  TaskSpec spec;
  spec.node = "pve1";
  spec.type = "qmcreate";
  spec.user = "root@pam";
  spec.duration = 1;
  spec.effect = [](Task&) { throw std::runtime_error("disk full"); };
  spec.cleanup = [&](Task&) { cleaned = true; };
  std::string upid = e.start(std::move(spec), 10, 1700000000, 1699900000);
  EXPECT_EQ(e.settle(10.5), 0);
  EXPECT_FALSE(e.find(upid)->done);
  EXPECT_EQ(e.settle(11), 1);
  EXPECT_TRUE(cleaned);
  EXPECT_EQ(e.find(upid)->exitstatus, "disk full");
  EXPECT_EQ(e.find(upid)->log.back(), "TASK ERROR: disk full");
}

}  // namespace
}  // namespace sarga::pvesim
