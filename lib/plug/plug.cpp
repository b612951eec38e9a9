#include "lib/plug/plug.h"

#include <thread>

#include "lib/plug/drivers.h"

namespace sarga::plug {

std::optional<Driver> parse_driver(std::string_view name) {
  if (name == "home_assistant") return Driver::home_assistant;
  if (name == "shelly_gen2" || name == "shelly") return Driver::shelly_gen2;
  if (name == "shelly_gen1") return Driver::shelly_gen1;
  if (name == "tasmota") return Driver::tasmota;
  return std::nullopt;
}

std::string driver_name(Driver driver) {
  switch (driver) {
    case Driver::home_assistant: return "home_assistant";
    case Driver::shelly_gen2: return "shelly_gen2";
    case Driver::shelly_gen1: return "shelly_gen1";
    case Driver::tasmota: return "tasmota";
  }
  return "unknown";
}

bool driver_has_timer(Driver driver) { return driver != Driver::home_assistant; }

void pause(const Settings& settings, std::chrono::milliseconds delay) {
  auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    if (settings.cancel && settings.cancel->load()) throw Error(Error::Kind::cancelled, "", "cancelled");
    std::this_thread::sleep_for(std::min(delay, std::chrono::milliseconds(20)));
  }
}

State settle(const Settings& settings, bool want, const std::function<State()>& read) {
  auto deadline = std::chrono::steady_clock::now() + settings.settle;
  std::chrono::milliseconds step{100};
  for (;;) {
    try {
      State s = read();
      if (s.on == want) return s;
      if (std::chrono::steady_clock::now() >= deadline)
        throw Error(Error::Kind::protocol, "",
                    std::string("the plug still reports ") + (s.on ? "on" : "off") + " " +
                        std::to_string(settings.settle.count() / 1000) + "s after switching it " +
                        (want ? "on" : "off"));
    } catch (const Error& e) {
      if (e.kind() != Error::Kind::not_ready || std::chrono::steady_clock::now() >= deadline) throw;
    }
    pause(settings, step);
    step = std::min(step * 2, std::chrono::milliseconds(1'000));
  }
}

std::unique_ptr<Plug> make_plug(const Settings& s) {
  if (s.address.rfind("http://", 0) != 0 && s.address.rfind("https://", 0) != 0)
    throw Error(Error::Kind::protocol, "address",
                "the plug address must be an http(s) URL such as http://192.168.1.20, got \"" + s.address + "\"");
  if (s.channel < 0) throw Error(Error::Kind::not_found, "channel", "channel must be 0 or more");
  switch (s.driver) {
    case Driver::home_assistant: return make_home_assistant(s);
    case Driver::shelly_gen2: return make_shelly_gen2(s);
    case Driver::shelly_gen1: return make_shelly_gen1(s);
    case Driver::tasmota: return make_tasmota(s);
  }
  throw Error(Error::Kind::unsupported, "driver", "unknown plug driver");
}

}  // namespace sarga::plug
