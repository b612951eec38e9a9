// Guests::make_template against a real pve-sim process: the qemu conversion runs as a task
// and the guest lists show the template afterwards.
#include <gtest/gtest.h>

#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"
#include "lib/pve/tests/sim_process.h"

using namespace sarga::pve;
using sarga::pve::testing::SimProcess;

TEST(GuestsTemplate, ConvertsAVmAndWaitsForTheTask) {
  SimProcess sim;
  sim.settings({{"all_tasks", 0.05}, {"resources_lag", 0}});
  Client c(sim.options());
  Guests g(c);
  c.wait_task(g.create("pve1", GuestKind::qemu, 120, {{"scsi0", "local-lvm:1"}, {"name", "golden"}}));
  auto upid = g.make_template("pve1", GuestKind::qemu, 120);
  ASSERT_TRUE(upid.has_value());
  EXPECT_EQ(c.wait_task(*upid).exitstatus, "OK");
  EXPECT_TRUE(g.status("pve1", GuestKind::qemu, 120).template_);
  auto live = find_live_vmid(c, GuestKind::qemu, 120);
  ASSERT_TRUE(live.has_value());
  EXPECT_TRUE(live->template_);
  EXPECT_EQ(g.config("pve1", GuestKind::qemu, 120).get("scsi0"), "local-lvm:base-120-disk-0,size=1G");
  // A second conversion is refused by PVE and surfaces as an Error, not a silent success.
  EXPECT_THROW(g.make_template("pve1", GuestKind::qemu, 120), Error);
}
