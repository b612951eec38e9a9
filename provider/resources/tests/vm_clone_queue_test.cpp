// Clones of one running source take turns; other sources do not wait; a cancelled wait
// returns without the turn.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "provider/resources/vm/clone_queue.h"

namespace sarga::resources::vm {
namespace {

bool nap(std::chrono::milliseconds d) {
  std::this_thread::sleep_for(d);
  return false;
}

TEST(VmCloneQueue, SameSourceWaitsOtherSourceDoesNot) {
  auto first = queue_clone(700, nap);
  ASSERT_TRUE(first.owns_lock());
  auto other = queue_clone(701, nap);  // another source: immediate
  EXPECT_TRUE(other.owns_lock());
  std::atomic<bool> got{false};
  std::thread t([&] {
    auto second = queue_clone(700, nap);
    got = second.owns_lock();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_FALSE(got.load());  // still queued behind `first`
  first.unlock();
  t.join();
  EXPECT_TRUE(got.load());
}

TEST(VmCloneQueue, CancelledWaitReturnsWithoutTheTurn) {
  auto first = queue_clone(702, nap);
  int naps = 0;
  auto second = queue_clone(702, [&](std::chrono::milliseconds) { return ++naps >= 3; });
  EXPECT_FALSE(second.owns_lock());
  EXPECT_EQ(naps, 3);
}

}  // namespace
}  // namespace sarga::resources::vm
