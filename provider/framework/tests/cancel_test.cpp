// StopProvider cancels in-flight work; many RPCs may run at once.
#include <gtest/gtest.h>

#include <thread>

#include "provider/framework/operations.h"
#include "provider/framework/tests/fake_resource.h"

namespace sarga::framework::testing {
namespace {

TEST(Cancel, TokenWaitsAndWakes) {
  CancelSource source;
  CancelToken token = source.token();
  EXPECT_FALSE(token.wait_for(std::chrono::milliseconds(1)));
  int called = 0;
  uint64_t id = token.on_cancel([&] { ++called; });
  uint64_t removed = token.on_cancel([&] { called += 100; });
  token.remove_callback(removed);
  EXPECT_NE(id, 0u);
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    source.cancel();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(token.wait_for(std::chrono::seconds(10)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  t.join();
  EXPECT_TRUE(token.cancelled());
  EXPECT_EQ(called, 1);
  token.on_cancel([&] { called += 10; });  // already cancelled: runs at once
  EXPECT_EQ(called, 11);
}

TEST(Cancel, StopProviderCancelsInFlightCreate) {
  FakeProvider fp;
  fp.behaviour->wait_for_cancel = true;
  Operations ops(fp.provider);
  cty::Value config = fake_object({{"name", str("web")}});
  PlanResult plan = ops.plan("sarga_fake", cty::Value::null(config.type()), config, config, "");
  ASSERT_FALSE(plan.diagnostics.has_errors());

  StateResult result;
  auto start = std::chrono::steady_clock::now();
  std::thread apply([&] { result = ops.apply("sarga_fake", cty::Value::null(config.type()), plan.planned, config, ""); });
  while (fp.behaviour->creates.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ops.stop();
  apply.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_TRUE(fp.behaviour->cancelled_seen.load());
  EXPECT_TRUE(result.diagnostics.has_errors());
  // Later calls get a fresh, uncancelled token.
  EXPECT_FALSE(fp.provider.context().cancel.cancelled());
}

TEST(Concurrency, ManyPlansAndAppliesInParallel) {
  FakeProvider fp;
  Operations ops(fp.provider);
  constexpr int kThreads = 8, kRounds = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        std::string name = "n" + std::to_string(t) + "-" + std::to_string(i % 10);
        cty::Value config = fake_object({{"name", str(name)}});
        PlanResult plan = ops.plan("sarga_fake", cty::Value::null(config.type()), config, config, "");
        StateResult r = ops.apply("sarga_fake", cty::Value::null(config.type()), plan.planned, config, "");
        if (plan.diagnostics.has_errors() || r.diagnostics.has_errors() ||
            Model(r.state).get_string("id") != "fake-" + name) {
          ++failures;
        }
        if (i % 10 == 0) fp.provider.configure(cty::Value());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(fp.behaviour->creates.load(), kThreads * kRounds);
}

}  // namespace
}  // namespace sarga::framework::testing
