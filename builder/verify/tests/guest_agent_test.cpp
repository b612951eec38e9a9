// The host side of the guest agent channel against a fake agent on a unix socket.
#include "builder/verify/guest_agent.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>

namespace sarga::verify {
namespace {

using namespace std::chrono_literals;

class FakeAgent {
 public:
  // `answer`: false = accept the connection but stay silent; `drop_first_sync`: ignore the
  // first guest-sync as an agent that was not listening yet would.
  FakeAgent(bool answer, bool drop_first_sync) : answer_(answer), drop_first_(drop_first_sync) {
    path_ = testing::TempDir() + "qga-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ".sock";
    std::filesystem::remove(path_);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path_.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeAgent() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    std::filesystem::remove(path_);
  }
  const std::string& path() const { return path_; }
  int pings = 0;

 private:
  void serve() {
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    std::string buf;
    char tmp[512];
    bool dropped = false;
    while (true) {
      ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
      if (n <= 0) break;
      buf.append(tmp, static_cast<std::size_t>(n));
      std::size_t nl;
      while ((nl = buf.find('\n')) != std::string::npos) {
        auto req = nlohmann::json::parse(buf.substr(0, nl));
        buf.erase(0, nl + 1);
        if (!answer_) continue;
        std::string reply;
        if (req["execute"] == "guest-sync") {
          if (drop_first_ && !dropped) {
            dropped = true;
            continue;
          }
          reply = "\xff" + nlohmann::json({{"return", req["arguments"]["id"]}}).dump() + "\n";
        } else if (req["execute"] == "guest-ping") {
          ++pings;
          reply = "{\"return\": {}}\n";
        }
        (void)!::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      }
    }
    ::close(c);
  }

  static inline int counter_ = 0;
  bool answer_, drop_first_;
  std::string path_;
  int fd_ = -1;
  std::thread thread_;
};

TEST(GuestAgent, SyncThenPingAnswered) {
  FakeAgent agent(true, false);
  std::string detail;
  EXPECT_TRUE(ping_guest_agent(agent.path(), 5s, nullptr, detail)) << detail;
  EXPECT_EQ(detail, "guest-sync and guest-ping answered");
}

TEST(GuestAgent, RepeatsTheSyncUntilTheAgentListens) {
  FakeAgent agent(true, true);
  std::string detail;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ping_guest_agent(agent.path(), 10s, nullptr, detail)) << detail;
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 2s);  // one sync went unanswered
}

TEST(GuestAgent, SilentAgentFailsWithinTheBudget) {
  FakeAgent agent(false, false);
  std::string detail;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(ping_guest_agent(agent.path(), 1500ms, nullptr, detail));
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, 1400ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(detail, "no answer");
}

TEST(GuestAgent, MissingSocketNamesIt) {
  std::string detail;
  EXPECT_FALSE(ping_guest_agent("/nonexistent/qga.sock", 500ms, nullptr, detail));
  EXPECT_NE(detail.find("cannot connect to /nonexistent/qga.sock"), std::string::npos) << detail;
}

TEST(GuestAgent, CancelStopsWaiting) {
  FakeAgent agent(false, false);
  std::atomic<bool> cancel{true};
  std::string detail;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(ping_guest_agent(agent.path(), 10s, &cancel, detail));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(detail, "cancelled");
}

}  // namespace
}  // namespace sarga::verify
