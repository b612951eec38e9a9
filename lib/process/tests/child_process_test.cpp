#include "lib/process/child_process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "lib/process/process.h"

namespace sarga::process {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

fs::path output_file(const std::string& name) {
  fs::path p = fs::path(::testing::TempDir()) / ("sarga-child-" + name + ".log");
  fs::remove(p);
  return p;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<int> wait_exit(ChildProcess& child) {
  for (int i = 0; i < 200 && !child.poll(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  return child.poll();
}

TEST(ChildProcess, OutputGoesToTheFileAndPollSeesTheExit) {
  fs::path log = output_file("exit");
  std::ofstream(log) << "earlier\n";
  ChildProcess child({"sh", "-c", "echo out; echo err >&2; exit 3"}, log);
  auto status = wait_exit(child);
  ASSERT_TRUE(status);
  EXPECT_EQ(describe_status(*status), "exit status 3");
  EXPECT_EQ(read(log), "earlier\nout\nerr\n");  // appended
}

TEST(ChildProcess, StopEndsARunningProgramWithSigterm) {
  ChildProcess child({"sleep", "30"}, output_file("term"));
  EXPECT_FALSE(child.poll());
  auto t0 = Clock::now();
  child.stop();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(3));
  ASSERT_TRUE(child.poll());
  EXPECT_EQ(describe_status(*child.poll()), "signal 15");
  child.stop();  // idempotent
}

TEST(ChildProcess, StopKillsAProgramThatIgnoresSigterm) {
  // The shell ignores TERM and execs, so sleep itself ignores it.
  ChildProcess child({"sh", "-c", "trap '' TERM; exec sleep 30"}, output_file("kill"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the trap be set
  auto t0 = Clock::now();
  child.stop(300);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
  ASSERT_TRUE(child.poll());
  EXPECT_EQ(describe_status(*child.poll()), "signal 9");
}

TEST(ChildProcess, DestructorStopsAndReaps) {
  pid_t pid;
  {
    ChildProcess child({"sleep", "30"}, output_file("dtor"));
    pid = child.pid();
  }
  int status;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), -1);  // already reaped: not our child any more
}

TEST(ChildProcess, MissingProgramThrows) {
  EXPECT_THROW(ChildProcess({"no-such-tool-sarga"}, output_file("missing")), Error);
}

}  // namespace
}  // namespace sarga::process
