// When a refresh asks the guest agent again (boot_mark.h): only for a new boot, missing
// addresses, or no record of the boot the addresses were read in.
#include <gtest/gtest.h>

#include "provider/resources/vm/boot_mark.h"

using namespace sarga::resources::vm;
using sarga::pve::GuestStatus;

namespace {

GuestStatus running(std::int64_t uptime, nlohmann::json pid) {
  GuestStatus st;
  st.status = "running";
  st.uptime = uptime;
  st.raw = {{"status", "running"}, {"uptime", uptime}};
  if (!pid.is_null()) st.raw["pid"] = pid;
  return st;
}

Vm with_addresses(std::vector<std::string> v4, std::vector<std::string> v6, std::string family = "") {
  Vm vm;
  vm.ipv4_addresses = std::move(v4);
  vm.ipv6_addresses = std::move(v6);
  if (!family.empty()) {
    vm.agent = Agent{};
    vm.agent->wait_for_ip = WaitForIp{};
    vm.agent->wait_for_ip->family = family;
  }
  return vm;
}

TEST(BootMark, FromStatusCurrent) {
  auto m = boot_mark("pve1", running(100, 4242), 1'000'000);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->node, "pve1");
  EXPECT_EQ(m->pid, 4242);
  EXPECT_EQ(m->started, 1'000'000 - 100);
  EXPECT_EQ(boot_mark("pve1", running(5, "77"), 50)->pid, 77);  // pid as a string
  EXPECT_EQ(boot_mark("pve1", running(5, nullptr), 50)->pid, 0);
  GuestStatus stopped;
  stopped.status = "stopped";
  EXPECT_FALSE(boot_mark("pve1", stopped, 50));
}

TEST(BootMark, SameBootToleratesWholeSecondUptimes) {
  auto a = *boot_mark("pve1", running(100, 4242), 1'000'000);
  auto later = *boot_mark("pve1", running(400, 4242), 1'000'301);  // 301 s later, uptime rounded
  EXPECT_TRUE(same_boot(a, later));
  EXPECT_FALSE(same_boot(a, *boot_mark("pve1", running(400, 5555), 1'000'300)));  // new QEMU process
  EXPECT_FALSE(same_boot(a, *boot_mark("pve2", running(400, 4242), 1'000'300)));  // migrated
  // Without pids (PVE gave none) the start time decides: restarted 200 s in.
  EXPECT_FALSE(same_boot(*boot_mark("pve1", running(100, nullptr), 1'000'000),
                         *boot_mark("pve1", running(100, nullptr), 1'000'200)));
  EXPECT_TRUE(same_boot(*boot_mark("pve1", running(100, nullptr), 1'000'000),
                        *boot_mark("pve1", running(300, nullptr), 1'000'200)));
}

TEST(AgentReadNeeded, OnlyForANewBootOrMissingAddresses) {
  BootMark boot{"pve1", 4242, 999'900};
  BootMark restarted{"pve1", 5555, 1'000'250};
  Vm known = with_addresses({"10.0.0.5"}, {});
  EXPECT_FALSE(agent_read_needed(known, boot, boot));
  EXPECT_TRUE(agent_read_needed(known, boot, restarted));
  EXPECT_TRUE(agent_read_needed(known, std::nullopt, boot));  // state from before the rule / import
  EXPECT_TRUE(agent_read_needed(with_addresses({}, {}), boot, boot));
  EXPECT_TRUE(agent_read_needed(Vm{}, boot, boot));  // null lists
  EXPECT_FALSE(agent_read_needed(with_addresses({}, {"2001:db8::5"}), boot, boot));
  // wait_for_ip.family names the family that must be there.
  EXPECT_TRUE(agent_read_needed(with_addresses({}, {"2001:db8::5"}, "ipv4"), boot, boot));
  EXPECT_FALSE(agent_read_needed(with_addresses({"10.0.0.5"}, {}, "ipv4"), boot, boot));
  EXPECT_TRUE(agent_read_needed(with_addresses({"10.0.0.5"}, {}, "ipv6"), boot, boot));
  EXPECT_FALSE(agent_read_needed(with_addresses({"10.0.0.5"}, {}, "any"), boot, boot));
}

TEST(PrivateState, RoundTripsAndToleratesForeignBytes) {
  BootMark boot{"pve3", 4242, 1'763'780'000};
  auto bytes = encode_private(boot);
  EXPECT_EQ(decode_private(bytes), boot);
  EXPECT_EQ(encode_private(std::nullopt), "");
  EXPECT_FALSE(decode_private(""));
  EXPECT_FALSE(decode_private("not json"));
  EXPECT_FALSE(decode_private(R"({"other":1})"));
  EXPECT_FALSE(decode_private(R"({"agent_boot":{"node":"pve1","pid":1,"started":0}})"));
  EXPECT_FALSE(decode_private(R"({"agent_boot":{"pid":1,"started":5}})"));
}

}  // namespace
