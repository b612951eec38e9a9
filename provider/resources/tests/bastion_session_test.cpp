// sarga_bastion_session through the framework: open switches on with the device timer and
// waits for the bastion's port, renew re-arms the timer, close switches off.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "provider/framework/model.h"
#include "provider/framework/operations.h"
#include "provider/framework/provider.h"
#include "provider/resources/register.h"
#include "provider/resources/tests/bastion_fake_plug.h"

namespace sarga::resources {
namespace {

using cty::Value;
constexpr const char* kType = "sarga_bastion_session";

// A listening loopback socket standing in for the bastion's SSH port.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 8);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class BastionSession : public ::testing::Test {
 protected:
  BastionSession()
      : provider_("0.1.0",
                  [this](const std::string& name) -> std::optional<std::string> {
                    if (name == "SARGA_PLUG_DRIVER") return "tasmota";
                    if (name == "SARGA_PLUG_ADDRESS") return plug_.url();
                    if (name == "SARGA_PLUG_PASSWORD") return plug_.password;
                    return std::nullopt;
                  }),
        ops_(provider_) {
    register_all(provider_);
    provider_.configure(Value::null(provider_.schema().implied_type()));
  }

  Value config(const std::map<std::string, Value>& attrs) {
    framework::Model m(provider_.find_ephemeral_resource(kType)->schema.null_object());
    for (const auto& [k, v] : attrs) m.set(k, v);
    return m.value();
  }

  testing::FakeTasmota plug_;
  framework::Provider provider_;
  framework::Operations ops_;
};

TEST_F(BastionSession, OpenRenewClose) {
  Listener bastion;
  std::string addr = "127.0.0.1:" + std::to_string(bastion.port());
  auto before = std::chrono::system_clock::now();
  auto opened = ops_.open_ephemeral(
      kType, config({{"auto_off_after", Value::string("20m")},
                     {"wait_for", Value::object({{"address", Value::string(addr)}, {"timeout", Value::null(cty::Type::string())}})}}));
  ASSERT_FALSE(opened.diagnostics.has_errors()) << opened.diagnostics.to_string();
  EXPECT_TRUE(plug_.is_on());
  EXPECT_EQ(plug_.pulse_time(), 1300);  // 20 min
  EXPECT_EQ(opened.result.attribute("host").as_string(), "127.0.0.1");
  EXPECT_EQ(opened.result.attribute("port").as_int64(), bastion.port());
  EXPECT_FALSE(opened.result.attribute("expires_at").is_null());
  ASSERT_TRUE(opened.renew_at);
  // Renewed 5 minutes before the timer fires.
  auto lead = before + std::chrono::minutes(20) - *opened.renew_at;
  EXPECT_GT(lead, std::chrono::minutes(4));
  EXPECT_LT(lead, std::chrono::minutes(6));
  EXPECT_FALSE(opened.private_data.empty());
  EXPECT_EQ(opened.private_data.find(plug_.password), std::string::npos);

  size_t sent = plug_.command_count();
  auto renewed = ops_.renew_ephemeral(kType, opened.private_data);
  ASSERT_FALSE(renewed.diagnostics.has_errors()) << renewed.diagnostics.to_string();
  EXPECT_GT(plug_.command_count(), sent);
  EXPECT_EQ(plug_.commands[sent], "PulseTime1 1300") << "renew re-arms the device timer";
  EXPECT_TRUE(renewed.renew_at);

  auto closed = ops_.close_ephemeral(kType, opened.private_data);
  EXPECT_FALSE(closed.has_errors()) << closed.to_string();
  EXPECT_FALSE(plug_.is_on());
  // A second close (or one from another process) only warns: the timer is the safety net.
  auto again = ops_.close_ephemeral(kType, opened.private_data);
  EXPECT_FALSE(again.has_errors());
  EXPECT_FALSE(again.empty());
}

TEST_F(BastionSession, DefaultTimerIsThirtyMinutes) {
  auto opened = ops_.open_ephemeral(kType, config({}));
  ASSERT_FALSE(opened.diagnostics.has_errors()) << opened.diagnostics.to_string();
  EXPECT_EQ(plug_.pulse_time(), 1900);
  ops_.close_ephemeral(kType, opened.private_data);
}

TEST_F(BastionSession, BastionThatNeverAnswersIsSwitchedOffAgain) {
  auto opened = ops_.open_ephemeral(
      kType, config({{"wait_for", Value::object({{"address", Value::string("127.0.0.1:1")},
                                                 {"timeout", Value::string("1s")}})}}));
  ASSERT_TRUE(opened.diagnostics.has_errors());
  EXPECT_EQ(opened.diagnostics.items()[0].attribute->to_string(), "wait_for.address");
  EXPECT_FALSE(plug_.is_on());
}

TEST_F(BastionSession, HomeAssistantNeedsTheOptOut) {
  auto cfg = config({{"driver", Value::string("home_assistant")},
                     {"address", Value::string("http://127.0.0.1:1")},
                     {"token", Value::string("t0ken")},
                     {"entity_id", Value::string("switch.bastion")}});
  auto opened = ops_.open_ephemeral(kType, cfg);
  ASSERT_TRUE(opened.diagnostics.has_errors());
  EXPECT_EQ(opened.diagnostics.items()[0].attribute->to_string(), "auto_off_after");
}

}  // namespace
}  // namespace sarga::resources
