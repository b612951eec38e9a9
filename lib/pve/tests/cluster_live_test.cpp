// Live guest lookups (cluster.h find_live): the nodes' own lists instead of the lagging
// /cluster/resources. Parsing and filtering alone, a fake PVE with an offline node, and the
// real pve-sim with a frozen /cluster/resources picture.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <mutex>
#include <set>

#include "lib/http/tests/test_server.h"
#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"
#include "lib/pve/tests/sim_process.h"

using namespace sarga::pve;
using sarga::pve::testing::SimProcess;
using sarga::testing::TlsServer;

namespace {

GuestEntry entry(int vmid, std::string name, std::vector<std::string> tags, std::string node = "pve1") {
  GuestEntry e;
  e.vmid = vmid;
  e.name = std::move(name);
  e.tags = std::move(tags);
  e.node = std::move(node);
  return e;
}

TEST(GuestEntryFrom, ReadsANodeListItem) {
  // As GET /nodes/pve2/qemu returns it: numbers as numbers, tags ';'-joined, no node field.
  auto j = nlohmann::json::parse(R"({"vmid":9100,"name":"debian-12","status":"stopped","template":1,
                                     "tags":"Golden;debian","maxmem":2147483648})");
  GuestEntry e = guest_entry_from(j, GuestKind::qemu, "pve2");
  EXPECT_EQ(e.vmid, 9100);
  EXPECT_EQ(e.node, "pve2");
  EXPECT_EQ(e.name, "debian-12");
  EXPECT_EQ(e.status, "stopped");
  EXPECT_TRUE(e.template_);
  EXPECT_EQ(e.tags, (std::vector<std::string>{"debian", "golden"}));
  EXPECT_EQ(e.pool, "");
  // vmid as a string (older PVE), no template flag, an item naming its own node.
  auto s = guest_entry_from(nlohmann::json::parse(R"({"vmid":"321","node":"pve3","status":"running"})"),
                            GuestKind::lxc, "pve1");
  EXPECT_EQ(s.vmid, 321);
  EXPECT_EQ(s.node, "pve3");
  EXPECT_EQ(s.kind, GuestKind::lxc);
  EXPECT_FALSE(s.template_);
  EXPECT_EQ(guest_entry_from(nlohmann::json::parse(R"({"name":"x"})"), GuestKind::qemu, "pve1").vmid, 0);
}

TEST(FilterGuests, ByNameAndEveryTagSortedByVmid) {
  std::vector<GuestEntry> all = {entry(300, "db-1", {"db", "prod"}), entry(120, "db-1", {"db"}),
                                 entry(200, "web", {"prod", "web"}), entry(110, "db-2", {"db", "prod"})};
  auto by_name = filter_guests(all, "db-1", {});
  ASSERT_EQ(by_name.size(), 2u);
  EXPECT_EQ(by_name[0].vmid, 120);
  EXPECT_EQ(by_name[1].vmid, 300);
  auto by_tags = filter_guests(all, "", {"PROD", "db"});  // case-insensitive, all must match
  ASSERT_EQ(by_tags.size(), 2u);
  EXPECT_EQ(by_tags[0].vmid, 110);
  EXPECT_EQ(by_tags[1].vmid, 300);
  EXPECT_EQ(filter_guests(all, "db-1", {"prod"}).size(), 1u);
  EXPECT_TRUE(filter_guests(all, "nope", {}).empty());
  EXPECT_EQ(filter_guests(all, "", {}).size(), 4u);
}

// A fake PVE: pve1 online, pve2 offline (its list would fail), /cluster/resources knows a VM
// on pve2 and an outdated copy of pve1's.
class FakeCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    auto json = [](httplib::Response& r, const std::string& data) {
      r.set_content(R"({"data":)" + data + "}", "application/json");
    };
    s_.http().Get("/api2/json/nodes", [=, this](const httplib::Request&, httplib::Response& r) {
      note("/nodes");
      json(r, R"([{"node":"pve1","status":"online"},{"node":"pve2","status":"offline"}])");
    });
    s_.http().Get("/api2/json/nodes/pve1/qemu", [=, this](const httplib::Request&, httplib::Response& r) {
      note("/nodes/pve1/qemu");
      json(r, R"([{"vmid":101,"name":"web","status":"running","tags":"prod"},
                  {"vmid":102,"name":"fresh","status":"stopped","template":1}])");
    });
    s_.http().Get("/api2/json/nodes/pve2/qemu", [=, this](const httplib::Request&, httplib::Response& r) {
      note("/nodes/pve2/qemu");
      r.status = 595;
      r.reason = "No route to host";
    });
    s_.http().Get("/api2/json/cluster/resources", [=, this](const httplib::Request&, httplib::Response& r) {
      note("/cluster/resources");
      json(r, R"([{"type":"qemu","vmid":101,"node":"pve1","name":"old-name","pool":"web"},
                  {"type":"qemu","vmid":201,"node":"pve2","name":"web","status":"unknown","tags":"prod"},
                  {"type":"node","node":"pve1"},{"type":"node","node":"pve2"}])");
    });
    s_.start();
  }
  ClientOptions options() const {
    ClientOptions o;
    o.endpoint = s_.url();
    o.token = "root@pam!sarga=0b1c2d3e-aaaa-bbbb-cccc-1234567890ab";
    o.tls.pinned_sha256 = s_.cert().fingerprint;
    o.timeout = std::chrono::milliseconds(5000);
    o.keep_alive = false;
    return o;
  }
  void note(const std::string& path) {
    std::lock_guard lock(mu_);
    seen_.push_back(path);
  }
  std::vector<std::string> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  TlsServer s_;
  std::mutex mu_;
  std::vector<std::string> seen_;
};

TEST_F(FakeCluster, OnlineNodesAreListedLiveOfflineOnesComeFromTheIndex) {
  Client c(options());
  auto found = find_live(c, GuestKind::qemu, "web", {"prod"});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].vmid, 101);  // live name, not the index's stale "old-name"
  EXPECT_EQ(found[0].node, "pve1");
  EXPECT_EQ(found[1].vmid, 201);
  EXPECT_EQ(found[1].node, "pve2");
  auto paths = seen();
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "/nodes/pve2/qemu"), 0) << "asked an offline node";
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "/nodes/pve1/qemu"), 1);
}

TEST_F(FakeCluster, OneNodeIsOneListAndAnUnknownNodeIsNotFound) {
  Client c(options());
  auto found = find_live(c, GuestKind::qemu, "", {}, "pve1");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1].vmid, 102);
  EXPECT_TRUE(found[1].template_);
  EXPECT_EQ(seen(), (std::vector<std::string>{"/nodes", "/nodes/pve1/qemu"}));  // no /cluster/resources
  try {
    find_live(c, GuestKind::qemu, "", {}, "pve9");
    FAIL() << "unknown node accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::not_found);
    EXPECT_NE(std::string(e.what()).find("pve9"), std::string::npos) << e.what();
  }
  EXPECT_EQ(find_live_vmid(c, GuestKind::qemu, 102)->node, "pve1");
  EXPECT_FALSE(find_live_vmid(c, GuestKind::qemu, 999));
}

// The real simulator with /cluster/resources frozen: the index misses guests made after its
// picture, the live search sees them with a constant number of requests.
TEST(LiveSim, GuestsMadeAfterTheIndexPictureAreFound) {
  SimProcess sim;
  sim.control("POST", "/_sim/reset");
  sim.settings({{"all_tasks", 0.05}, {"resources_lag", 0}});
  Client c(sim.options());
  Guests g(c);
  auto& index = c.guest_index();
  index.find(c, GuestKind::qemu, "", {}, true);  // the picture is taken now...
  sim.settings({{"resources_lag", 600}});        // ...and frozen
  Params vm = {{"memory", "256"}, {"name", "db-1"}, {"tags", "db;Prod"}};
  c.wait_task(g.create("pve3", GuestKind::qemu, 321, vm));
  c.wait_task(g.create("pve2", GuestKind::qemu, 9100, {{"memory", "256"}, {"name", "debian-12-cloud"}}));
  auto tmpl = c.post(guest_path("pve2", GuestKind::qemu, 9100) + "/template");
  if (tmpl.is_string()) c.wait_task(tmpl.get<std::string>());
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past the index's refetch limit
  EXPECT_TRUE(index.find(c, GuestKind::qemu, "db-1", {}, true).empty()) << "the sim did not lag";

  auto before = c.stats().requests;
  auto db = find_live(c, GuestKind::qemu, "db-1", {"prod"});
  EXPECT_EQ(c.stats().requests - before, 4u);  // /nodes + 3 node lists
  ASSERT_EQ(db.size(), 1u);
  EXPECT_EQ(db[0].vmid, 321);
  EXPECT_EQ(db[0].node, "pve3");
  EXPECT_EQ(db[0].status, "stopped");
  EXPECT_EQ(db[0].tags, (std::vector<std::string>{"db", "prod"}));

  auto on_pve2 = find_live(c, GuestKind::qemu, "", {}, "pve2");
  ASSERT_EQ(on_pve2.size(), 1u);
  EXPECT_EQ(on_pve2[0].vmid, 9100);
  EXPECT_TRUE(on_pve2[0].template_);

  EXPECT_TRUE(find_live(c, GuestKind::lxc, "db-1", {}).empty());  // kinds stay apart
  EXPECT_EQ(find_live_vmid(c, GuestKind::qemu, 9100)->node, "pve2");
  EXPECT_FALSE(find_live_vmid(c, GuestKind::lxc, 9100));
}

}  // namespace
