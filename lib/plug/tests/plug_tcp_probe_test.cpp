#include "lib/plug/tcp_probe.h"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sarga::plug {
namespace {

TEST(PlugTcpProbe, ParsesHostPort) {
  std::string err;
  auto hp = parse_host_port("bastion.lan:22", err);
  EXPECT_EQ(hp.host, "bastion.lan");
  EXPECT_EQ(hp.port, 22);
  auto v6 = parse_host_port("[::1]:2222", err);
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 2222);
  for (const char* bad : {"bastion", "bastion:", "bastion:0", "bastion:70000", "::1:22", ":22", "h:2x"}) {
    err.clear();
    EXPECT_TRUE(parse_host_port(bad, err).host.empty()) << bad;
    EXPECT_FALSE(err.empty()) << bad;
  }
}

TEST(PlugTcpProbe, SeesAListenerAndGivesUpOnAClosedPort) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  EXPECT_TRUE(wait_for_tcp({"127.0.0.1", port}, std::chrono::milliseconds(1000), nullptr));
  close(fd);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_for_tcp({"127.0.0.1", port}, std::chrono::milliseconds(300), nullptr,
                            std::chrono::milliseconds(50)));
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(300)) << "tries until the deadline";
  EXPECT_LT(waited, std::chrono::seconds(2));
  bool asked = false;
  EXPECT_FALSE(wait_for_tcp({"127.0.0.1", port}, std::chrono::seconds(30), [&] { return asked = true; }));
  EXPECT_TRUE(asked);
}

}  // namespace
}  // namespace sarga::plug
