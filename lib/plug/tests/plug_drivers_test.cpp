// Each driver against a fake of its device API on loopback: request shapes, state read
// back after switching, auto-off timers, and errors that name the setting at fault.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "lib/plug/digest.h"
#include "lib/plug/plug.h"
#include "lib/plug/tasmota.h"
#include "lib/plug/tests/fake_server.h"

namespace sarga::plug {
namespace {

using nlohmann::json;
using testing::FakeServer;

Settings base(Driver d, const std::string& url) {
  Settings s;
  s.driver = d;
  s.address = url;
  s.timeout = std::chrono::milliseconds(3000);
  s.settle = std::chrono::milliseconds(2000);
  return s;
}

template <typename F>
Error expect_error(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no plug::Error thrown";
  return Error(Error::Kind::protocol, "", "none");
}

// ---------------------------------------------------------------- Home Assistant
struct FakeHomeAssistant {
  FakeServer server;
  std::mutex mu;
  std::map<std::string, std::string> states{{"switch.bastion", "off"}, {"input_boolean.bastion", "off"}};
  std::vector<std::string> calls;
  std::string connection_header;
  int lag_reads = 0;        // reads that still show the old state after a service call
  int fail_next_reads = 0;  // 503s before answering (a restarting Home Assistant)

  FakeHomeAssistant() {
    auto authorised = [](const httplib::Request& q, httplib::Response& r) {
      if (q.get_header_value("Authorization") == "Bearer ha-token") return true;
      r.status = 401;
      r.set_content("401: Unauthorized", "text/plain");
      return false;
    };
    server.http().Get(R"(/api/states/(.+))", [this, authorised](const httplib::Request& q, httplib::Response& r) {
      if (!authorised(q, r)) return;
      std::lock_guard l(mu);
      if (fail_next_reads > 0) {
        --fail_next_reads;
        r.status = 503;
        return;
      }
      auto it = states.find(q.matches[1]);
      if (it == states.end()) {
        r.status = 404;
        r.set_content(R"({"message":"Entity not found."})", "application/json");
        return;
      }
      std::string shown = it->second;
      if (lag_reads > 0) {
        --lag_reads;
        shown = shown == "on" ? "off" : "on";
      }
      r.set_content(json{{"entity_id", it->first}, {"state", shown},
                         {"attributes", {{"friendly_name", "Bastion plug"}, {"current_power_w", 7.5}}},
                         {"last_changed", "2026-11-22T02:00:00.000000+00:00"}}.dump(),
                    "application/json");
    });
    server.http().Post(R"(/api/services/(\w+)/(turn_on|turn_off))",
                       [this, authorised](const httplib::Request& q, httplib::Response& r) {
                         if (!authorised(q, r)) return;
                         std::lock_guard l(mu);
                         std::string entity = json::parse(q.body).at("entity_id");
                         calls.push_back(std::string(q.matches[1]) + "." + std::string(q.matches[2]) + " " + entity);
                         connection_header = q.get_header_value("Connection");
                         if (states.count(entity)) states[entity] = q.matches[2] == "turn_on" ? "on" : "off";
                         r.set_content("[]", "application/json");
                       });
    server.start();
  }
  Settings settings(const std::string& entity = "switch.bastion", const std::string& token = "ha-token") {
    auto s = base(Driver::home_assistant, server.url());
    s.entity_id = entity;
    s.token = token;
    return s;
  }
};

TEST(PlugHomeAssistant, SwitchesAndReadsBack) {
  FakeHomeAssistant ha;
  auto plug = make_plug(ha.settings());
  EXPECT_FALSE(plug->state().on);
  State on = plug->switch_on(std::nullopt);
  EXPECT_TRUE(on.on);
  EXPECT_EQ(on.power_w, 7.5);
  EXPECT_EQ(on.last_changed, "2026-11-22T02:00:00.000000+00:00");
  EXPECT_FALSE(plug->switch_off().on);
  EXPECT_EQ(ha.calls, (std::vector<std::string>{"switch.turn_on switch.bastion", "switch.turn_off switch.bastion"}));
  EXPECT_EQ(plug->info().name, "Bastion plug");
  EXPECT_EQ(ha.connection_header, "close") << "no idle keep-alive sockets left on small devices";
}

TEST(PlugHomeAssistant, PowerComesFromASensorEntityWhenNamed) {
  FakeHomeAssistant ha;
  ha.states["sensor.bastion_power"] = "17.8";
  auto s = ha.settings();
  s.power_entity_id = "sensor.bastion_power";
  EXPECT_EQ(make_plug(s)->state().power_w, 17.8);
  s.power_entity_id = "sensor.missing";
  EXPECT_EQ(expect_error([&] { make_plug(s)->state(); }).setting(), "power_entity_id");
}

TEST(PlugHomeAssistant, InputBooleanUsesItsOwnDomainAndLagIsWaitedOut) {
  FakeHomeAssistant ha;
  ha.lag_reads = 2;
  auto plug = make_plug(ha.settings("input_boolean.bastion"));
  EXPECT_TRUE(plug->switch_on(std::nullopt).on);
  EXPECT_EQ(ha.calls, (std::vector<std::string>{"input_boolean.turn_on input_boolean.bastion"}));
}

TEST(PlugHomeAssistant, HasNoDeviceTimer) {
  FakeHomeAssistant ha;
  auto plug = make_plug(ha.settings());
  Error e = expect_error([&] { plug->switch_on(std::chrono::seconds(600)); });
  EXPECT_EQ(e.kind(), Error::Kind::unsupported);
  EXPECT_EQ(e.setting(), "auto_off_after");
  EXPECT_TRUE(ha.calls.empty());
  EXPECT_FALSE(driver_has_timer(Driver::home_assistant));
}

TEST(PlugHomeAssistant, BadTokenUnknownEntityAndUnavailableAreDistinct) {
  FakeHomeAssistant ha;
  Error auth = expect_error([&] { make_plug(ha.settings("switch.bastion", "wrong-token"))->state(); });
  EXPECT_EQ(auth.kind(), Error::Kind::auth);
  EXPECT_EQ(auth.setting(), "token");
  EXPECT_EQ(std::string(auth.what()).find("wrong-token"), std::string::npos) << auth.what();

  Error missing = expect_error([&] { make_plug(ha.settings("switch.nope"))->state(); });
  EXPECT_EQ(missing.kind(), Error::Kind::not_found);
  EXPECT_EQ(missing.setting(), "entity_id");
  EXPECT_NE(std::string(missing.what()).find("switch.nope"), std::string::npos);

  ha.states["switch.bastion"] = "unavailable";
  Error down = expect_error([&] { make_plug(ha.settings())->state(); });
  EXPECT_EQ(down.kind(), Error::Kind::not_ready);

  Error shape = expect_error([&] { make_plug(ha.settings("light.bastion")); });
  EXPECT_EQ(shape.setting(), "entity_id");
}

TEST(PlugHomeAssistant, RetriesTransientErrors) {
  FakeHomeAssistant ha;
  ha.fail_next_reads = 2;
  auto s = ha.settings();
  EXPECT_FALSE(make_plug(s)->state().on);
}

TEST(PlugHomeAssistant, SlowAnswersTimeOut) {
  FakeServer slow;
  slow.http().Get(R"(/api/states/(.+))", [](const httplib::Request&, httplib::Response& r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    r.set_content(R"({"state":"on"})", "application/json");
  });
  slow.start();
  auto s = base(Driver::home_assistant, slow.url());
  s.entity_id = "switch.bastion";
  s.token = "t0ken";
  s.timeout = std::chrono::milliseconds(200);
  s.max_retries = 0;
  Error e = expect_error([&] { make_plug(s)->state(); });
  EXPECT_EQ(e.kind(), Error::Kind::transport);
}

// ---------------------------------------------------------------- Shelly Gen2 (digest)
std::map<std::string, std::string> digest_fields(const std::string& header) {
  std::map<std::string, std::string> out;
  size_t i = header.find(' ');
  while (i != std::string::npos && i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    size_t eq = header.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = header.substr(i, eq - i), value;
    i = eq + 1;
    if (header[i] == '"') {
      size_t end = header.find('"', i + 1);
      value = header.substr(i + 1, end - i - 1);
      i = end + 1;
    } else {
      size_t end = header.find(',', i);
      value = header.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end;
    }
    out[key] = value;
  }
  return out;
}

struct FakeShellyGen2 {
  FakeServer server;
  std::mutex mu;
  bool on = false;
  std::optional<int> toggle_after;
  double timer_started = 0;
  int challenges = 0;
  std::string password = "sh3lly-pw";

  bool verify(const std::string& header) {
    if (header.rfind("Digest ", 0) != 0) return false;
    auto f = digest_fields(header);
    if (f["username"] != "admin" || f["realm"] != "shellyplugsg3-abc" || f["nonce"] != "n0nce" || f["algorithm"] != "SHA-256")
      return false;
    std::string ha1 = hex_hash("SHA-256", "admin:shellyplugsg3-abc:" + password);
    std::string ha2 = hex_hash("SHA-256", "POST:" + f["uri"]);
    return f["response"] == hex_hash("SHA-256", ha1 + ":n0nce:" + f["nc"] + ":" + f["cnonce"] + ":auth:" + ha2);
  }

  FakeShellyGen2() {
    server.http().Post("/rpc", [this](const httplib::Request& q, httplib::Response& r) {
      std::lock_guard l(mu);
      if (!verify(q.get_header_value("Authorization"))) {
        ++challenges;
        r.status = 401;
        r.set_header("WWW-Authenticate",
                     "Digest qop=\"auth\", realm=\"shellyplugsg3-abc\", nonce=\"n0nce\", algorithm=SHA-256");
        return;
      }
      json frame = json::parse(q.body);
      json reply{{"id", frame["id"]}, {"src", "shellyplugsg3-abc"}};
      const json& p = frame["params"];
      std::string m = frame["method"];
      if (m == "Shelly.GetDeviceInfo") {
        reply["result"] = {{"id", "shellyplugsg3-abc"}, {"model", "S3PL-00112EU"}, {"ver", "1.4.4"}, {"gen", 3}};
      } else if (p.value("id", 0) != 0) {
        reply["error"] = {{"code", -105}, {"message", "Argument 'id', value " + std::to_string(p.value("id", 0)) + " not found!"}};
      } else if (m == "Switch.Set") {
        reply["result"] = {{"was_on", on}};
        on = p.at("on").get<bool>();
        toggle_after = p.contains("toggle_after") ? std::optional<int>(p["toggle_after"].get<int>()) : std::nullopt;
        timer_started = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
      } else if (m == "Switch.GetStatus") {
        json st{{"id", 0}, {"source", "http"}, {"output", on}, {"apower", on ? 23.4 : 0.0}};
        if (on && toggle_after) {
          st["timer_started_at"] = timer_started;
          st["timer_duration"] = *toggle_after;
        }
        reply["result"] = st;
      } else {
        reply["error"] = {{"code", -114}, {"message", "Method " + m + " failed: No handler"}};
      }
      r.set_content(reply.dump(), "application/json");
    });
    server.start();
  }
  Settings settings(const std::string& pw) {
    auto s = base(Driver::shelly_gen2, server.url());
    s.password = pw;
    return s;
  }
};

TEST(PlugShellyGen2, SwitchOnWithToggleAfterThenOff) {
  FakeShellyGen2 dev;
  auto plug = make_plug(dev.settings("sh3lly-pw"));
  State on = plug->switch_on(std::chrono::seconds(600));
  EXPECT_TRUE(on.on);
  EXPECT_EQ(dev.toggle_after, 600);
  EXPECT_EQ(on.power_w, 23.4);
  ASSERT_TRUE(on.timer_remaining_s);
  EXPECT_GT(*on.timer_remaining_s, 590);
  State off = plug->switch_off();
  EXPECT_FALSE(off.on);
  EXPECT_FALSE(dev.toggle_after.has_value());
  EXPECT_EQ(plug->info().model, "S3PL-00112EU");
  EXPECT_EQ(dev.challenges, 1) << "the nonce is reused with a growing nonce count";
}

TEST(PlugShellyGen2, WrongPasswordAndUnknownSwitch) {
  FakeShellyGen2 dev;
  Error auth = expect_error([&] { make_plug(dev.settings("nope-nope"))->state(); });
  EXPECT_EQ(auth.kind(), Error::Kind::auth);
  EXPECT_EQ(auth.setting(), "password");
  auto s = dev.settings("sh3lly-pw");
  s.channel = 3;
  Error missing = expect_error([&] { make_plug(s)->state(); });
  EXPECT_EQ(missing.kind(), Error::Kind::not_found);
  EXPECT_EQ(missing.setting(), "channel");
}

// ---------------------------------------------------------------- Shelly Gen1 (basic)
struct FakeShellyGen1 {
  FakeServer server;
  bool on = false;
  int timer = 0;
  std::vector<std::string> queries;
  FakeShellyGen1() {
    auto authorised = [](const httplib::Request& q, httplib::Response& r) {
      // "admin:g1-pass" in base64
      if (q.get_header_value("Authorization") == "Basic YWRtaW46ZzEtcGFzcw==") return true;
      r.status = 401;
      return false;
    };
    server.http().Get(R"(/relay/(\d+))", [this, authorised](const httplib::Request& q, httplib::Response& r) {
      if (!authorised(q, r)) return;
      if (q.matches[1] != "0") {
        r.status = 404;
        return;
      }
      std::string turn = q.get_param_value("turn");
      if (!turn.empty()) {
        queries.push_back(turn + (q.has_param("timer") ? " timer=" + q.get_param_value("timer") : ""));
        on = turn == "on";
        timer = q.has_param("timer") ? std::stoi(q.get_param_value("timer")) : 0;
      }
      r.set_content(json{{"ison", on}, {"has_timer", on && timer > 0}, {"timer_remaining", on ? timer : 0},
                         {"source", "http"}}.dump(),
                    "application/json");
    });
    server.http().Get("/status", [this, authorised](const httplib::Request& q, httplib::Response& r) {
      if (authorised(q, r))
        r.set_content(json{{"meters", {{{"power", on ? 12.5 : 0.0}, {"is_valid", true}}}}}.dump(), "application/json");
    });
    server.start();
  }
};

TEST(PlugShellyGen1, RelayTimerAndBasicAuth) {
  FakeShellyGen1 dev;
  auto s = base(Driver::shelly_gen1, dev.server.url());
  s.password = "g1-pass";
  auto plug = make_plug(s);
  State on = plug->switch_on(std::chrono::seconds(300));
  EXPECT_TRUE(on.on);
  EXPECT_EQ(on.power_w, 12.5);
  EXPECT_EQ(on.timer_remaining_s, 300);
  EXPECT_FALSE(plug->switch_off().on);
  EXPECT_EQ(dev.queries, (std::vector<std::string>{"on timer=300", "off"}));

  s.password = "wrong";
  Error auth = expect_error([&] { make_plug(s)->state(); });
  EXPECT_EQ(auth.setting(), "password");
  s.password = "g1-pass";
  s.channel = 1;
  EXPECT_EQ(expect_error([&] { make_plug(s)->state(); }).setting(), "channel");
}

// ---------------------------------------------------------------- Tasmota
struct FakeTasmota {
  FakeServer server;
  bool on = false;
  int pulse = 0;
  std::vector<std::string> commands;
  FakeTasmota() {
    server.http().Get("/cm", [this](const httplib::Request& q, httplib::Response& r) {
      if (q.get_param_value("user") != "admin" || q.get_param_value("password") != "t@sm pw") {
        r.set_content(R"({"WARNING":"Need user=<username>&password=<password>"})", "application/json");
        return;
      }
      std::string c = q.get_param_value("cmnd");
      commands.push_back(c);
      if (c == "Power ON") on = true;
      if (c == "Power OFF") on = false;
      if (c.rfind("PulseTime1 ", 0) == 0) {
        pulse = std::stoi(c.substr(11));
        r.set_content(json{{"PulseTime1", {{"Set", pulse}, {"Remaining", 0}}}}.dump(), "application/json");
      } else if (c == "PulseTime1") {
        r.set_content(json{{"PulseTime1", {{"Set", pulse}, {"Remaining", on && pulse ? pulse : 0}}}}.dump(), "application/json");
      } else if (c == "Status 10") {
        r.set_content(R"({"StatusSNS":{"Time":"2026-11-22T02:00:00","ENERGY":{"Power":41}}})", "application/json");
      } else if (c == "Power" || c == "Power ON" || c == "Power OFF") {
        r.set_content(json{{"POWER", on ? "ON" : "OFF"}}.dump(), "application/json");
      } else {
        r.set_content(R"({"Command":"Unknown"})", "application/json");
      }
    });
    server.start();
  }
};

TEST(PlugTasmota, PulseTimeArmsTheAutoOff) {
  FakeTasmota dev;
  auto s = base(Driver::tasmota, dev.server.url());
  s.password = "t@sm pw";
  auto plug = make_plug(s);
  State on = plug->switch_on(std::chrono::seconds(1800));
  EXPECT_TRUE(on.on);
  EXPECT_EQ(on.power_w, 41);
  EXPECT_EQ(on.timer_remaining_s, 1800);
  ASSERT_GE(dev.commands.size(), 2u);
  EXPECT_EQ(dev.commands[0], "PulseTime1 1900");
  EXPECT_EQ(dev.commands[1], "Power ON");
  EXPECT_FALSE(plug->switch_off().on);
  dev.commands.clear();
  plug->switch_on(std::nullopt);
  EXPECT_EQ(dev.commands[0], "PulseTime1 0") << "a timer left by an earlier run is cleared";
}

TEST(PlugTasmota, WarningBodyIsAnAuthErrorWithoutThePassword) {
  FakeTasmota dev;
  auto s = base(Driver::tasmota, dev.server.url());
  s.password = "not-the-password";
  Error e = expect_error([&] { make_plug(s)->switch_on(std::nullopt); });
  EXPECT_EQ(e.kind(), Error::Kind::auth);
  EXPECT_EQ(e.setting(), "password");
  EXPECT_EQ(std::string(e.what()).find("not-the-password"), std::string::npos) << e.what();
  EXPECT_FALSE(dev.on);
}

TEST(PlugTasmota, PulseTimeEncoding) {
  EXPECT_EQ(tasmota_pulse_time(std::chrono::seconds(5)), 50);
  EXPECT_EQ(tasmota_pulse_time(std::chrono::seconds(11)), 110);
  EXPECT_EQ(tasmota_pulse_time(std::chrono::seconds(12)), 112);
  EXPECT_EQ(tasmota_pulse_time(std::chrono::seconds(64800)), 64900);
  EXPECT_FALSE(tasmota_pulse_time(std::chrono::seconds(64801)));
  EXPECT_FALSE(tasmota_pulse_time(std::chrono::seconds(0)));
  EXPECT_EQ(tasmota_pulse_seconds(50), 5.0);
  EXPECT_EQ(tasmota_pulse_seconds(1900), 1800.0);
}

TEST(PlugFactory, DriverNamesAndBadAddress) {
  EXPECT_EQ(parse_driver("shelly"), Driver::shelly_gen2);
  EXPECT_EQ(parse_driver("shelly_gen1"), Driver::shelly_gen1);
  EXPECT_FALSE(parse_driver("zigbee"));
  for (Driver d : {Driver::home_assistant, Driver::shelly_gen2, Driver::shelly_gen1, Driver::tasmota})
    EXPECT_EQ(parse_driver(driver_name(d)), d);
  auto s = base(Driver::tasmota, "ftp://plug");
  EXPECT_EQ(expect_error([&] { make_plug(s); }).setting(), "address");
}

}  // namespace
}  // namespace sarga::plug
