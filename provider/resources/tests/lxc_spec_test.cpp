// sarga_lxc's translation to and from PVE container config keys, and the update plan.
#include <gtest/gtest.h>

#include <algorithm>

#include "provider/resources/lxc/spec.h"

namespace sarga::resources::lxc {
namespace {

std::string param(const pve::Params& p, const std::string& key) {
  for (const auto& [k, v] : p)
    if (k == key) return v;
  return "<absent>";
}

std::map<std::string, std::string> live_config() {
  return {{"hostname", "web"},
          {"memory", "1024"},
          {"swap", "256"},
          {"cores", "2"},
          {"unprivileged", "1"},
          {"onboot", "1"},
          {"features", "nesting=1,keyctl=1"},
          {"tags", "prod;web"},
          {"rootfs", "local-lvm:vm-104-disk-0,size=8G"},
          {"mp0", "local-lvm:vm-104-disk-1,mp=/data,backup=1,size=16G"},
          {"mp2", "nfs:104/vm-104-disk-2.raw,mp=/srv,ro=1,size=1536M"},
          {"net0", "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:CC,ip=dhcp,tag=20,type=veth"},
          {"net3", "name=mgmt,bridge=vmbr1,firewall=1,gw=10.0.0.1,hwaddr=BC:24:11:00:00:01,ip=10.0.0.5/24,type=veth"}};
}

TEST(LxcSpec, ReadsEveryKeyOfALiveConfig) {
  Spec s = spec_from_config(live_config());
  EXPECT_EQ(s.hostname, "web");
  EXPECT_EQ(s.memory, 1024);
  EXPECT_EQ(s.swap, 256);
  EXPECT_EQ(s.cores, 2);
  EXPECT_TRUE(s.unprivileged);
  EXPECT_TRUE(s.on_boot);
  EXPECT_FALSE(s.protection);
  ASSERT_TRUE(s.features);
  EXPECT_TRUE(s.features->nesting);
  EXPECT_TRUE(s.features->keyctl);
  EXPECT_FALSE(s.features->fuse);
  EXPECT_EQ(s.tags, (std::vector<std::string>{"prod", "web"}));
  EXPECT_EQ(s.rootfs.storage, "local-lvm");
  EXPECT_EQ(s.rootfs.size_gb, 8);
  ASSERT_EQ(s.mount_points.size(), 2u);
  EXPECT_EQ(s.mount_points["mp0"].volid, "local-lvm:vm-104-disk-1");
  EXPECT_EQ(s.mount_points["mp0"].path, "/data");
  EXPECT_EQ(s.mount_points["mp0"].backup, true);
  EXPECT_EQ(s.mount_points["mp0"].size_gb, 16);
  EXPECT_EQ(s.mount_points["mp2"].read_only, true);
  EXPECT_DOUBLE_EQ(*s.mount_points["mp2"].size_gb, 1.5);
  ASSERT_EQ(s.network.size(), 2u);
  EXPECT_EQ(s.network["eth0"].vlan, 20);
  EXPECT_EQ(s.network["eth0"].ipv4, "dhcp");
  EXPECT_EQ(s.network["eth0"].mac, "BC:24:11:AA:BB:CC");
  EXPECT_EQ(s.network["mgmt"].firewall, true);
  EXPECT_EQ(s.network["mgmt"].gateway4, "10.0.0.1");
  EXPECT_EQ(s.net_slots["mgmt"], 3);
}

TEST(LxcSpec, BadValuesNameTheKey) {
  try {
    spec_from_config({{"memory", "lots"}});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'memory'"), std::string::npos) << e.what();
  }
  try {
    spec_from_config({{"mp1", "local:vm-1-disk-0,size=huge,mp=/x"}});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'mp1'"), std::string::npos) << e.what();
  }
}

TEST(LxcSpec, OwnedVolumes) {
  EXPECT_TRUE(owned_volume("local-lvm:vm-104-disk-1", 104));
  EXPECT_TRUE(owned_volume("local:104/vm-104-disk-0.raw", 104));
  EXPECT_TRUE(owned_volume("zfs:subvol-104-disk-3", 104));
  EXPECT_FALSE(owned_volume("local-lvm:vm-105-disk-1", 104));
  EXPECT_FALSE(owned_volume("local-lvm:shared-data", 104));
  EXPECT_EQ(storage_of("local-lvm:vm-1-disk-0"), "local-lvm");
}

TEST(LxcSpec, CreateParameters) {
  Spec s;
  s.hostname = "web";
  s.cores = 2;
  s.features = Features{true, false, true};
  s.rootfs = {"local-lvm", 8, ""};
  s.mount_points["mp1"] = MountPoint{"local-lvm", std::nullopt, 16, "/data", true, std::nullopt, ""};
  s.mount_points["mp0"] = MountPoint{std::nullopt, "nfs:shared", std::nullopt, "/srv", std::nullopt, true, ""};
  s.network["eth1"] = NetDevice{"vmbr1", 30, "10.0.0.5/24", "10.0.0.1", std::nullopt, std::nullopt, true, std::nullopt};
  s.network["eth0"] = NetDevice{"vmbr0", std::nullopt, "dhcp", std::nullopt, std::nullopt, std::nullopt,
                                std::nullopt, "bc:24:11:00:00:09"};
  s.tags = {"Web", "prod"};
  pve::Params p = create_params(s);
  EXPECT_EQ(param(p, "hostname"), "web");
  EXPECT_EQ(param(p, "cores"), "2");
  EXPECT_EQ(param(p, "memory"), "512");
  EXPECT_EQ(param(p, "unprivileged"), "1");
  EXPECT_EQ(param(p, "features"), "nesting=1,fuse=1");
  EXPECT_EQ(param(p, "rootfs"), "local-lvm:8");
  EXPECT_EQ(param(p, "mp1"), "local-lvm:16,mp=/data,backup=1");
  EXPECT_EQ(param(p, "mp0"), "nfs:shared,mp=/srv,ro=1");
  EXPECT_EQ(param(p, "net0"), "name=eth0,bridge=vmbr0,hwaddr=bc:24:11:00:00:09,ip=dhcp,type=veth");
  EXPECT_EQ(param(p, "net1"), "name=eth1,bridge=vmbr1,tag=30,ip=10.0.0.5/24,gw=10.0.0.1,firewall=1,type=veth");
  EXPECT_EQ(param(p, "tags"), "prod;web");
  EXPECT_EQ(param(p, "protection"), "<absent>");
  EXPECT_EQ(param(p, "description"), "<absent>");
}

TEST(LxcSpec, UpdateGrowsInPlaceAndRefusesShrinks) {
  auto live = live_config();
  Spec prior = spec_from_config(live);
  prior.mount_points["mp0"].storage = "local-lvm";
  Spec planned = prior;
  planned.rootfs.size_gb = 12;
  planned.mount_points["mp0"].size_gb = 20;
  UpdateSteps u = update_steps(prior, planned, live);
  EXPECT_TRUE(u.problems.empty());
  EXPECT_EQ(u.resizes, (std::vector<std::pair<std::string, std::string>>{{"rootfs", "12G"}, {"mp0", "20G"}}));
  EXPECT_TRUE(u.set.empty()) << param(u.set, "delete");

  planned.rootfs.size_gb = 4;
  planned.mount_points["mp0"].size_gb = 10;
  u = update_steps(prior, planned, live);
  ASSERT_EQ(u.problems.size(), 2u);
  EXPECT_NE(u.problems[0].find("rootfs.size_gb: shrinking from 8 to 4 GiB"), std::string::npos) << u.problems[0];
  EXPECT_NE(u.problems[1].find("mount_points.mp0.size_gb"), std::string::npos) << u.problems[1];
  EXPECT_TRUE(u.resizes.empty());

  planned = prior;
  planned.mount_points["mp0"].storage = "nfs";
  planned.rootfs.storage = "nfs";
  u = update_steps(prior, planned, live);
  ASSERT_EQ(u.problems.size(), 2u);
  EXPECT_NE(u.problems[0].find("rootfs.storage"), std::string::npos);
  EXPECT_NE(u.problems[1].find("mount_points.mp0.storage"), std::string::npos);
}

TEST(LxcSpec, UpdateAddsRemovesAndChangesByKey) {
  auto live = live_config();
  Spec prior = spec_from_config(live);
  prior.mount_points["mp0"].storage = "local-lvm";
  prior.mount_points["mp2"].volume = prior.mount_points["mp2"].volid;
  Spec planned = prior;
  planned.mount_points.erase("mp2");
  planned.mount_points["mp1"] = MountPoint{"local-lvm", std::nullopt, 4, "/logs", std::nullopt, std::nullopt, ""};
  planned.mount_points["mp0"].path = "/var/data";
  planned.network.erase("mgmt");
  planned.network["eth1"] = NetDevice{"vmbr0", std::nullopt, "dhcp", std::nullopt, std::nullopt, std::nullopt,
                                      std::nullopt, std::nullopt};
  planned.network["eth0"].mac.reset();  // computed, not configured: the live MAC is kept
  planned.network["eth0"].vlan = 21;
  planned.tags = {"WEB", "Prod"};  // same tags in another case: no change
  planned.memory = 2048;
  planned.features.reset();
  planned.description = "hello";
  UpdateSteps u = update_steps(prior, planned, live);
  EXPECT_TRUE(u.problems.empty());
  EXPECT_EQ(param(u.set, "mp1"), "local-lvm:4,mp=/logs");
  EXPECT_EQ(param(u.set, "mp0"), "local-lvm:vm-104-disk-1,mp=/var/data,backup=1");
  // net3 (mgmt) is deleted; eth1 must not reuse slot 3 in the same call.
  EXPECT_EQ(param(u.set, "net1"), "name=eth1,bridge=vmbr0,ip=dhcp,type=veth");
  EXPECT_EQ(param(u.set, "net0"), "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:CC,tag=21,ip=dhcp,type=veth");
  EXPECT_EQ(param(u.set, "tags"), "<absent>");
  EXPECT_EQ(param(u.set, "memory"), "2048");
  EXPECT_EQ(param(u.set, "description"), "hello");
  EXPECT_EQ(param(u.set, "delete"), "features,mp2,net3");
  EXPECT_FALSE(u.protection_off_first);
}

TEST(LxcSpec, ProtectionIsLiftedBeforeRemovals) {
  auto live = live_config();
  live["protection"] = "1";
  Spec prior = spec_from_config(live);
  Spec planned = prior;
  planned.protection = false;
  planned.mount_points.erase("mp0");
  UpdateSteps u = update_steps(prior, planned, live);
  EXPECT_TRUE(u.protection_off_first);
  EXPECT_EQ(param(u.set, "protection"), "<absent>");
  EXPECT_EQ(param(u.set, "delete"), "mp0");
  planned = prior;
  planned.protection = false;
  u = update_steps(prior, planned, live);
  EXPECT_FALSE(u.protection_off_first);
  EXPECT_EQ(param(u.set, "protection"), "0");
}

TEST(LxcSpec, NetSlotsKeepExistingAndFillGaps) {
  std::map<std::string, NetDevice> want{{"eth0", {}}, {"mgmt", {}}, {"a", {}}, {"b", {}}};
  auto slots = assign_net_slots(want, live_config());
  EXPECT_EQ(slots["eth0"], 0);
  EXPECT_EQ(slots["mgmt"], 3);
  EXPECT_EQ(slots["a"], 1);
  EXPECT_EQ(slots["b"], 2);
}

TEST(LxcSpec, Sizes) {
  EXPECT_EQ(gib_size(8), "8G");
  EXPECT_EQ(gib_size(0.5), "512M");
  EXPECT_EQ(rootfs_value({"local-lvm", 0.5, ""}), "local-lvm:0.5");
}

}  // namespace
}  // namespace sarga::resources::lxc
