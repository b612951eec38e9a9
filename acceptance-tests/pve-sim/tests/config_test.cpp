// Cluster file parsing, --token specs, the status-line rewrite, LXC pending rules.
#include <gtest/gtest.h>

#include "acceptance-tests/pve-sim/cluster_config.h"
#include "acceptance-tests/pve-sim/reason_phrase.h"
#include "acceptance-tests/pve-sim/tests/sim_fixture.h"

namespace sarga::pvesim {
namespace {

TEST(ClusterConfigTest, ParsesNodesStoragesUsers) {
  auto c = ClusterConfig::from_json(nlohmann::json::parse(R"({
    "nodes": ["a", {"name": "b", "cpus": 4}],
    "storages": [{"id": "s", "type": "nfs", "content": ["images"], "nodes": ["b"]}],
    "users": [{"userid": "u@pve", "tokens": [{"id": "t", "secret": "x", "privsep": true}]}],
    "timing": {"task_durations": {"qmclone": 2.5}}})"), "c.json");
  ASSERT_EQ(c.nodes.size(), 2u);
  EXPECT_EQ(c.nodes[1].cpus, 4);
  EXPECT_TRUE(c.storages[0].shared);
  EXPECT_FALSE(c.storage_on_node(c.storages[0], "a"));
  EXPECT_TRUE(c.users[0].tokens[0].privsep);
  EXPECT_EQ(c.timing.duration_of("qmclone"), 2.5);
}

TEST(ClusterConfigTest, ErrorsNameFileAndField) {
  auto fails_with = [](const char* text, const std::string& needle) {
    try {
      ClusterConfig::from_json(nlohmann::json::parse(text), "lab.json");
      ADD_FAILURE() << "accepted " << text;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("lab.json: " + needle), std::string::npos) << e.what();
    }
  };
  fails_with(R"({})", "nodes");
  fails_with(R"({"nodes": ["a"], "storages": [{"id": "s", "type": "zfs", "content": []}]})", "storages[0].type");
  fails_with(R"({"nodes": ["a"], "storages": [{"id": "s", "type": "dir", "content": [], "nodes": ["x"]}]})",
             "storages[0].nodes");
  fails_with(R"({"nodes": ["a"], "users": [{"userid": "nobody"}]})", "users[0].userid");
  fails_with(R"({"nodes": ["a"], "timing": {"resources_lag": -1}})", "timing: resources_lag");
}

TEST(ClusterConfigTest, TokenSpecs) {
  auto c = ClusterConfig::default_cluster();
  c.add_token("root@pam!a=one");
  c.add_token("ci@pve!b:two");
  EXPECT_EQ(c.users[0].tokens[0].secret, "one");
  EXPECT_EQ(c.users[1].userid, "ci@pve");
  EXPECT_EQ(c.users[1].tokens[0].secret, "two");
  EXPECT_THROW(c.add_token("root@pam=nobang"), std::runtime_error);
  EXPECT_THROW(c.add_token("root@pam!id="), std::runtime_error);
}

TEST(ReasonPhrase, RewritesOnlyTheStatusLine) {
  std::string resp = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}";
  EXPECT_EQ(rewrite_status_line(resp, "can't lock file 'x' - got timeout"),
            "HTTP/1.1 500 can't lock file 'x' - got timeout\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(rewrite_status_line("GET / HTTP/1.1\r\n\r\n", "x"), "GET / HTTP/1.1\r\n\r\n");
}

TEST(LxcConfig, RunningContainerGetsPendingForColdKeys) {
  testing::SimFixture f;
  {
    std::unique_lock lk(f.core.mutex);
    Volume v;
    v.volid = "local:vztmpl/alpine.tar.xz";
    v.content = "vztmpl";
    f.core.volumes["pve1/local"][v.volid] = v;
  }
  Reply r = f.call("POST", "/nodes/pve1/lxc", {{"vmid", "200"}, {"ostemplate", "local:vztmpl/alpine.tar.xz"},
                                                {"rootfs", "local-lvm:1"}, {"start", "1"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(f.wait_task(r.body["data"]), "OK");
  ASSERT_EQ(f.call("PUT", "/nodes/pve1/lxc/200/config", {{"memory", "1024"}, {"features", "nesting=1"}}).status, 200);
  auto current = f.call("GET", "/nodes/pve1/lxc/200/config", {{"current", "1"}}).body["data"];
  EXPECT_EQ(current["memory"], 1024);  // hot
  EXPECT_FALSE(current.contains("features"));  // waits for a restart
  EXPECT_EQ(f.call("GET", "/nodes/pve1/lxc/200/config").body["data"]["features"], "nesting=1");
  EXPECT_EQ(f.call("GET", "/nodes/pve1/lxc/200/config").body["data"]["ostype"], "alpine");
}

}  // namespace
}  // namespace sarga::pvesim
