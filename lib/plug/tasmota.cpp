// Tasmota HTTP commands: GET /cm?[user=..&password=..&]cmnd=<command>. `Power` switches
// and reads the relay; `PulseTime` arms the device-side auto-off that fires after the next
// `Power ON`. Wrong credentials do not give 401 but a JSON {"WARNING": "Need user=..."}
// (localised), so any WARNING answer is treated as an authentication error.
#include "lib/plug/tasmota.h"

#include "lib/plug/drivers.h"
#include "lib/plug/transport.h"

namespace sarga::plug {

std::optional<int> tasmota_pulse_time(std::chrono::seconds delay) {
  auto s = delay.count();
  if (s <= 0 || s > 64800) return std::nullopt;
  if (s <= 11) return static_cast<int>(s * 10);
  return static_cast<int>(s + 100);
}

double tasmota_pulse_seconds(int value) {
  if (value <= 0) return 0;
  if (value <= 111) return value / 10.0;
  return value - 100.0;
}

namespace {

class Tasmota final : public Plug {
 public:
  explicit Tasmota(const Settings& s)
      : settings_(s),
        http_(s, Transport::Auth::none, ""),
        user_(s.username.empty() ? "admin" : s.username),
        index_(s.channel == 0 ? "" : std::to_string(s.channel + 1)) {}

  Driver driver() const override { return Driver::tasmota; }

  DeviceInfo info() override {
    DeviceInfo d;
    auto fw = command("Status 2");
    if (fw.contains("StatusFWR")) d.firmware = fw["StatusFWR"].value("Version", "");
    auto st = command("Status");
    if (st.contains("Status")) {
      d.name = st["Status"].value("DeviceName", "");
      d.model = st["Status"].value("Module", nlohmann::json()).dump();
    }
    return d;
  }

  State state() override {
    State s;
    s.on = power_of(command("Power" + index_));
    s.power_w = power_draw();
    if (s.on) s.timer_remaining_s = timer_remaining();
    return s;
  }

  State switch_on(std::optional<std::chrono::seconds> auto_off) override {
    int pulse = 0;  // PulseTime is persistent: clear a timer left by an earlier session
    if (auto_off) {
      auto v = tasmota_pulse_time(*auto_off);
      if (!v)
        throw Error(Error::Kind::unsupported, "auto_off_after",
                    "Tasmota's PulseTime covers 1 s to 18 h (64800 s), got " + std::to_string(auto_off->count()) + " s");
      pulse = *v;
    }
    command("PulseTime" + (index_.empty() ? std::string("1") : index_) + " " + std::to_string(pulse));
    command("Power" + index_ + " ON");
    return settle(settings_, true, [&] { return state(); });
  }

  State switch_off() override {
    command("Power" + index_ + " OFF");
    return settle(settings_, false, [&] { return state(); });
  }

 private:
  nlohmann::json command(const std::string& cmnd) {
    http::Request r;
    r.path = "/cm?";
    if (!settings_.password.empty())
      r.path += "user=" + http::url_encode(user_) + "&password=" + http::url_encode(settings_.password) + "&";
    r.path += "cmnd=" + http::url_encode(cmnd);
    auto resp = http_.send(r);
    if (resp.status == 401 || resp.status == 403) throw auth_error("HTTP " + std::to_string(resp.status));
    if (resp.status >= 500) throw Error(Error::Kind::transport, "", http_.describe(resp, cmnd));
    if (resp.status >= 300) throw Error(Error::Kind::protocol, "", http_.describe(resp, cmnd));
    auto j = http_.json(resp, cmnd);
    if (j.is_object() && j.contains("WARNING"))
      throw auth_error("the device answered " + http_.redact(j["WARNING"].dump()));
    if (j.is_object() && j.value("Command", "") == "Unknown")
      throw Error(Error::Kind::protocol, "", "Tasmota does not know the command \"" + cmnd + "\"");
    return j;
  }

  Error auth_error(const std::string& detail) {
    return Error(Error::Kind::auth, "password",
                 "the Tasmota device at " + http_.address() + " rejected the web password for user " + user_ +
                     " (" + detail + ")");
  }

  bool power_of(const nlohmann::json& j) {
    std::string key = "POWER" + (index_.empty() ? std::string("1") : index_);
    const nlohmann::json* v = nullptr;
    if (j.contains(key)) v = &j[key];
    else if (index_.empty() && j.contains("POWER")) v = &j["POWER"];
    if (!v || !v->is_string())
      throw Error(Error::Kind::not_found, "channel",
                  "the Tasmota device did not report relay " + std::to_string(settings_.channel) + " (answer " +
                      j.dump() + ")");
    std::string s = v->get<std::string>();
    if (s == "ON") return true;
    if (s == "OFF") return false;
    throw Error(Error::Kind::protocol, "", "Tasmota reported power \"" + s + "\", expected ON or OFF");
  }

  // Energy monitoring is optional: no ENERGY block means "not reported".
  std::optional<double> power_draw() {
    try {
      auto j = command("Status 10");
      const auto& e = j.at("StatusSNS").at("ENERGY").at("Power");
      if (e.is_number()) return e.get<double>();
    } catch (const nlohmann::json::exception&) {
    } catch (const Error& e) {
      if (e.kind() == Error::Kind::auth || e.kind() == Error::Kind::cancelled) throw;
    }
    return std::nullopt;
  }

  std::optional<double> timer_remaining() {
    try {
      std::string n = index_.empty() ? "1" : index_;
      auto j = command("PulseTime" + n);
      const auto& p = j.at("PulseTime" + n);
      int set = p.at("Set").get<int>();
      int remaining = p.at("Remaining").get<int>();
      if (set > 0 && remaining > 0) return tasmota_pulse_seconds(remaining);
    } catch (const nlohmann::json::exception&) {
    } catch (const Error& e) {
      if (e.kind() == Error::Kind::auth || e.kind() == Error::Kind::cancelled) throw;
    }
    return std::nullopt;
  }

  Settings settings_;
  Transport http_;
  std::string user_;
  std::string index_;  // "" for the first relay, else "2", "3", ...
};

}  // namespace

std::unique_ptr<Plug> make_tasmota(const Settings& s) { return std::make_unique<Tasmota>(s); }

}  // namespace sarga::plug
