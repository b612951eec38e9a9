// Prints, per driver, the HTTP requests and wall time one refresh (state) and one power-on
// with an auto-off timer cost against a minimal loopback fake of the device. Small plugs
// serve a handful of sockets, so the request count matters as much as the time.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "lib/plug/digest.h"
#include "lib/plug/plug.h"
#include "lib/plug/tests/fake_server.h"

using namespace sarga::plug;
using nlohmann::json;

namespace {

std::atomic<int> requests{0};
bool relay_on = false;

void add_fakes(testing::FakeServer& ha, testing::FakeServer& gen2, testing::FakeServer& gen1, testing::FakeServer& tas) {
  ha.http().Get(R"(/api/states/(.+))", [](const httplib::Request&, httplib::Response& r) {
    ++requests;
    r.set_content(json{{"state", relay_on ? "on" : "off"}, {"last_changed", "2026-11-22T00:00:00+00:00"}}.dump(), "application/json");
  });
  ha.http().Post(R"(/api/services/switch/(turn_on|turn_off))", [](const httplib::Request& q, httplib::Response& r) {
    ++requests;
    relay_on = q.matches[1] == "turn_on";
    r.set_content("[]", "application/json");
  });
  gen2.http().Post("/rpc", [](const httplib::Request& q, httplib::Response& r) {
    ++requests;
    if (q.get_header_value("Authorization").empty()) {
      r.status = 401;
      r.set_header("WWW-Authenticate", "Digest qop=\"auth\", realm=\"shelly\", nonce=\"1\", algorithm=SHA-256");
      return;
    }
    json f = json::parse(q.body);
    if (f["method"] == "Switch.Set") relay_on = f["params"]["on"].get<bool>();
    r.set_content(json{{"id", f["id"]}, {"result", {{"output", relay_on}, {"apower", 17.8}}}}.dump(), "application/json");
  });
  gen1.http().Get(R"(/relay/0)", [](const httplib::Request& q, httplib::Response& r) {
    ++requests;
    if (q.has_param("turn")) relay_on = q.get_param_value("turn") == "on";
    r.set_content(json{{"ison", relay_on}}.dump(), "application/json");
  });
  gen1.http().Get("/status", [](const httplib::Request&, httplib::Response& r) {
    ++requests;
    r.set_content(R"({"meters":[{"power":17.8}]})", "application/json");
  });
  tas.http().Get("/cm", [](const httplib::Request& q, httplib::Response& r) {
    ++requests;
    std::string c = q.get_param_value("cmnd");
    if (c == "Power ON") relay_on = true;
    if (c == "Power OFF") relay_on = false;
    if (c == "Status 10") r.set_content(R"({"StatusSNS":{"ENERGY":{"Power":17.8}}})", "application/json");
    else if (c.rfind("PulseTime", 0) == 0) r.set_content(R"({"PulseTime1":{"Set":1900,"Remaining":1900}})", "application/json");
    else r.set_content(json{{"POWER", relay_on ? "ON" : "OFF"}}.dump(), "application/json");
  });
}

void measure(const char* name, Settings s, std::optional<std::chrono::seconds> timer) {
  const int rounds = 50;
  for (const char* op : {"refresh", "power-on"}) {
    requests = 0;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < rounds; ++i) {
      relay_on = false;
      auto plug = make_plug(s);  // as the resources do: one per call
      if (op[0] == 'r') plug->state();
      else plug->switch_on(timer);
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / rounds;
    std::printf("%-15s %-9s %5.1f requests  %6.2f ms\n", name, op, requests.load() / double(rounds), ms);
  }
}

}  // namespace

int main() {
  testing::FakeServer ha, gen2, gen1, tas;
  add_fakes(ha, gen2, gen1, tas);
  ha.start();
  gen2.start();
  gen1.start();
  tas.start();
  std::printf("driver          operation  per call (loopback fake, 50 rounds)\n");
  Settings s;
  s.driver = Driver::home_assistant;
  s.address = ha.url();
  s.token = "t0ken";
  s.entity_id = "switch.bastion";
  measure("home_assistant", s, std::nullopt);
  s = Settings{};
  s.driver = Driver::shelly_gen2;
  s.address = gen2.url();
  s.password = "pw-pw";
  measure("shelly_gen2", s, std::chrono::seconds(1800));
  s.driver = Driver::shelly_gen1;
  s.address = gen1.url();
  measure("shelly_gen1", s, std::chrono::seconds(1800));
  s.driver = Driver::tasmota;
  s.address = tas.url();
  measure("tasmota", s, std::chrono::seconds(1800));
  return 0;
}
