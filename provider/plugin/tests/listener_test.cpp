// Listener choice from the environment (each test runs in its own process under ctest).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

#include "provider/plugin/listener.h"

namespace sarga::plugin {
namespace {

// Restores the variables these tests touch, so the whole binary can run in one process
// (gtest's TempDir() itself reads TMPDIR).
class ListenerEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kNames) {
      const char* v = std::getenv(name);
      saved_.push_back(v ? std::optional<std::string>(v) : std::nullopt);
    }
  }
  void TearDown() override {
    for (size_t i = 0; i < std::size(kNames); ++i) {
      if (saved_[i]) ::setenv(kNames[i], saved_[i]->c_str(), 1);
      else ::unsetenv(kNames[i]);
    }
  }
  static constexpr const char* kNames[] = {"PLUGIN_UNIX_SOCKET_DIR", "TMPDIR", "PLUGIN_MIN_PORT",
                                           "PLUGIN_MAX_PORT"};
  std::vector<std::optional<std::string>> saved_;
};

// Binds 127.0.0.1:0 and keeps it bound; returns the port.
struct HeldPort {
  int fd = -1;
  int port = 0;
  HeldPort() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~HeldPort() { ::close(fd); }
};

TEST_F(ListenerEnv, UnixSocketInPluginDir) {
  std::string dir = ::testing::TempDir() + "sockdir" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  ::setenv("PLUGIN_UNIX_SOCKET_DIR", dir.c_str(), 1);
  std::string why;
  auto target = pick_unix_socket(why);
  ASSERT_TRUE(target) << why;
  EXPECT_EQ(target->endpoint.network, "unix");
  EXPECT_EQ(target->endpoint.address.rfind(dir + "/plugin", 0), 0u) << target->endpoint.address;
  EXPECT_EQ(target->grpc_uri, "unix:" + target->endpoint.address);
  EXPECT_FALSE(std::filesystem::exists(target->endpoint.address));  // probe cleaned up
  std::filesystem::remove_all(dir);
}

TEST_F(ListenerEnv, UnixFallsBackToTmpdir) {
  ::unsetenv("PLUGIN_UNIX_SOCKET_DIR");
  std::string dir = ::testing::TempDir() + "tmpd" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  ::setenv("TMPDIR", dir.c_str(), 1);
  std::string why;
  auto target = pick_unix_socket(why);
  ASSERT_TRUE(target) << why;
  EXPECT_EQ(target->socket_path.rfind(dir + "/plugin", 0), 0u) << target->socket_path;
  std::filesystem::remove_all(dir);
}

TEST_F(ListenerEnv, UnixFailsClearlyForMissingDir) {
  ::setenv("PLUGIN_UNIX_SOCKET_DIR", "/nonexistent-sarga-dir", 1);
  std::string why;
  EXPECT_FALSE(pick_unix_socket(why));
  EXPECT_NE(why.find("/nonexistent-sarga-dir"), std::string::npos) << why;
}

TEST_F(ListenerEnv, TcpSkipsTakenPortWithinRange) {
  HeldPort held;
  std::string min = std::to_string(held.port);
  std::string max = std::to_string(held.port + 20);
  ::setenv("PLUGIN_MIN_PORT", min.c_str(), 1);
  ::setenv("PLUGIN_MAX_PORT", max.c_str(), 1);
  std::string why;
  auto target = pick_tcp_port(why);
  ASSERT_TRUE(target) << why;
  int port = std::stoi(target->endpoint.address.substr(std::string("127.0.0.1:").size()));
  EXPECT_GT(port, held.port);
  EXPECT_LE(port, held.port + 20);
  EXPECT_EQ(target->endpoint.network, "tcp");
}

TEST_F(ListenerEnv, TcpReportsFullRange) {
  HeldPort held;
  std::string port = std::to_string(held.port);
  ::setenv("PLUGIN_MIN_PORT", port.c_str(), 1);
  ::setenv("PLUGIN_MAX_PORT", port.c_str(), 1);
  std::string why;
  EXPECT_FALSE(pick_tcp_port(why));
  EXPECT_NE(why.find("no free tcp port"), std::string::npos) << why;
}

TEST_F(ListenerEnv, TcpRejectsBadRangeNamingVariable) {
  ::setenv("PLUGIN_MIN_PORT", "20000", 1);
  ::setenv("PLUGIN_MAX_PORT", "10000", 1);
  std::string why;
  EXPECT_FALSE(pick_tcp_port(why));
  EXPECT_NE(why.find("PLUGIN_MIN_PORT=20000 is greater than PLUGIN_MAX_PORT=10000"), std::string::npos) << why;
  ::setenv("PLUGIN_MAX_PORT", "port", 1);
  EXPECT_FALSE(pick_tcp_port(why));
  EXPECT_NE(why.find("PLUGIN_MAX_PORT=\"port\""), std::string::npos) << why;
  ::unsetenv("PLUGIN_MAX_PORT");
  EXPECT_FALSE(pick_tcp_port(why));
  EXPECT_NE(why.find("PLUGIN_MAX_PORT is not set"), std::string::npos) << why;
}

TEST_F(ListenerEnv, TcpWithoutRangeLetsKernelPick) {
  ::unsetenv("PLUGIN_MIN_PORT");
  ::unsetenv("PLUGIN_MAX_PORT");
  std::string why;
  auto target = pick_tcp_port(why);
  ASSERT_TRUE(target) << why;
  EXPECT_EQ(target->grpc_uri, "127.0.0.1:0");
}

}  // namespace
}  // namespace sarga::plugin
