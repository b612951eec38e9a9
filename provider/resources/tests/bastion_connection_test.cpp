// The settings merge and checks shared by sarga_bastion_power and sarga_bastion_session.
#include <gtest/gtest.h>

#include "provider/framework/provider.h"
#include "provider/resources/bastion/connection.h"
#include "provider/resources/register.h"

namespace sarga::resources::bastion {
namespace {

using cty::Value;
using std::chrono::seconds;

TEST(BastionConnection, ParsesDurations) {
  EXPECT_EQ(parse_duration("90s"), seconds(90));
  EXPECT_EQ(parse_duration("30m"), seconds(1800));
  EXPECT_EQ(parse_duration("1h30m"), seconds(5400));
  EXPECT_EQ(parse_duration("2h0m5s"), seconds(7205));
  for (const char* bad : {"", "30", "m", "5x", "1h-2m", "0s", "1.5h", " 5m"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

struct Fixture {
  explicit Fixture(std::map<std::string, std::string> env)
      : provider("0.1.0", [env](const std::string& n) -> std::optional<std::string> {
          auto it = env.find(n);
          if (it == env.end()) return std::nullopt;
          return it->second;
        }) {
    register_all(provider);
    provider.configure(Value::null(provider.schema().implied_type()));
  }
  framework::Model config(const std::map<std::string, Value>& attrs) {
    framework::Model m(provider.find_resource("sarga_bastion_power")->schema.null_object());
    for (const auto& [k, v] : attrs) m.set(k, v);
    return m;
  }
  std::vector<std::string> paths(const framework::Diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& x : d) out.push_back(x.attribute ? x.attribute->to_string() : "");
    return out;
  }
  framework::Provider provider;
};

TEST(BastionConnection, ResourceValuesWinOverProviderDefaults) {
  Fixture f({{"SARGA_PLUG_DRIVER", "tasmota"}, {"SARGA_PLUG_ADDRESS", "http://plug.lan"},
             {"SARGA_PLUG_PASSWORD", "env-pw"}, {"SARGA_PLUG_INSECURE", "true"}});
  framework::Diagnostics d;
  auto s = settings_from(f.config({}), f.provider.context(), "t", d);
  ASSERT_TRUE(s) << d.to_string();
  EXPECT_EQ(s->driver, plug::Driver::tasmota);
  EXPECT_EQ(s->address, "http://plug.lan");
  EXPECT_EQ(s->password, "env-pw");
  EXPECT_TRUE(s->tls.insecure);
  auto own = settings_from(f.config({{"driver", Value::string("shelly")},
                                     {"password", Value::string("own-pw")},
                                     {"channel", Value::number_int(2)},
                                     {"insecure", Value::boolean(false)}}),
                           f.provider.context(), "t", d);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->driver, plug::Driver::shelly_gen2);
  EXPECT_EQ(own->password, "own-pw");
  EXPECT_EQ(own->channel, 2);
  EXPECT_FALSE(own->tls.insecure);
}

TEST(BastionConnection, HomeAssistantNeedsTokenAndASwitchEntity) {
  Fixture f({{"SARGA_PLUG_DRIVER", "home_assistant"}, {"SARGA_PLUG_ADDRESS", "http://ha.lan:8123"}});
  framework::Diagnostics d;
  EXPECT_FALSE(settings_from(f.config({{"entity_id", Value::string("light.x")}}), f.provider.context(), "t", d));
  EXPECT_EQ(f.paths(d), (std::vector<std::string>{"token", "entity_id"}));
}

TEST(BastionConnection, InvalidEnvironmentIsReportedNamingTheVariable) {
  Fixture f({{"SARGA_PLUG_DRIVER", "zigbee"}, {"SARGA_PLUG_ADDRESS", "http://plug.lan"}});
  framework::Diagnostics d;
  EXPECT_FALSE(settings_from(f.config({}), f.provider.context(), "t", d));
  EXPECT_NE(d.to_string().find("SARGA_PLUG_DRIVER"), std::string::npos) << d.to_string();
}

TEST(BastionConnection, TimingChecksTheTimerAgainstTheDriver) {
  Fixture f({});
  framework::Diagnostics d;
  auto t = timing_from(f.config({{"auto_off_after", Value::string("45m")}}), plug::Driver::shelly_gen1,
                       std::nullopt, d);
  ASSERT_TRUE(t) << d.to_string();
  EXPECT_EQ(t->auto_off, seconds(2700));
  EXPECT_FALSE(t->wait_address);

  EXPECT_FALSE(timing_from(f.config({{"auto_off_after", Value::string("45m")}}), plug::Driver::home_assistant,
                           std::nullopt, d));
  EXPECT_EQ(f.paths(d), (std::vector<std::string>{"auto_off_after"}));

  framework::Diagnostics quiet;
  auto opted = timing_from(f.config({{"auto_off_after", Value::string("45m")},
                                     {"allow_missing_timer", Value::boolean(true)},
                                     {"wait_for", Value::object({{"address", Value::string("[::1]:22")},
                                                                 {"timeout", Value::string("90s")}})}}),
                           plug::Driver::home_assistant, std::nullopt, quiet);
  ASSERT_TRUE(opted) << quiet.to_string();
  EXPECT_FALSE(opted->auto_off);
  EXPECT_EQ(opted->wait_address->host, "::1");
  EXPECT_EQ(opted->wait_timeout, seconds(90));
}

TEST(BastionConnection, Rfc3339IsUtcWithSeconds) {
  EXPECT_EQ(rfc3339(std::chrono::system_clock::time_point(seconds(1'800'000'000))), "2027-01-15T08:00:00Z");
}

}  // namespace
}  // namespace sarga::resources::bastion
