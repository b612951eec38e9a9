// Shelly Gen1 HTTP: GET /relay/<n>[?turn=on|off[&timer=s]] answers the relay status
// ({"ison", "has_timer", "timer_remaining", ...}); GET /status the power (meters[n]);
// /shelly the model. Restricted login is HTTP Basic.
#include "lib/plug/drivers.h"
#include "lib/plug/transport.h"

namespace sarga::plug {
namespace {

class ShellyGen1 final : public Plug {
 public:
  explicit ShellyGen1(const Settings& s)
      : settings_(s), http_(s, Transport::Auth::basic, s.username.empty() ? "admin" : s.username) {}

  Driver driver() const override { return Driver::shelly_gen1; }

  DeviceInfo info() override {
    auto j = get("/shelly", "reading /shelly");
    DeviceInfo d;
    d.model = j.value("type", "");
    d.firmware = j.value("fw", "");
    d.name = j.value("mac", "");
    return d;
  }

  State state() override { return relay(""); }

  State switch_on(std::optional<std::chrono::seconds> auto_off) override {
    std::string q = "?turn=on";
    if (auto_off) q += "&timer=" + std::to_string(auto_off->count());
    relay(q);
    return settle(settings_, true, [&] { return state(); });
  }

  State switch_off() override {
    relay("?turn=off");
    return settle(settings_, false, [&] { return state(); });
  }

 private:
  State relay(const std::string& query) {
    auto j = get("/relay/" + std::to_string(settings_.channel) + query, "relay " + std::to_string(settings_.channel));
    if (!j.contains("ison") || !j["ison"].is_boolean())
      throw Error(Error::Kind::protocol, "", "the relay status has no boolean \"ison\"");
    State s;
    s.on = j["ison"].get<bool>();
    if (j.value("has_timer", false) && j.contains("timer_remaining") && j["timer_remaining"].is_number())
      s.timer_remaining_s = j["timer_remaining"].get<double>();
    if (query.empty()) s.power_w = power();
    return s;
  }

  // The meter is optional (a Shelly 1 has none): anything but a number means "not reported".
  std::optional<double> power() {
    http::Request r;
    r.path = "/status";
    auto resp = http_.send(r);
    if (resp.status != 200) return std::nullopt;
    try {
      auto j = nlohmann::json::parse(resp.body);
      const auto& m = j.at("meters").at(static_cast<size_t>(settings_.channel)).at("power");
      if (m.is_number()) return m.get<double>();
    } catch (const nlohmann::json::exception&) {
    }
    return std::nullopt;
  }

  nlohmann::json get(const std::string& path, const std::string& what) {
    http::Request r;
    r.path = path;
    auto resp = http_.send(r);
    if (resp.status == 401 || resp.status == 403)
      throw Error(Error::Kind::auth, "password",
                  "the Shelly device at " + http_.address() + " rejected the username/password (HTTP " +
                      std::to_string(resp.status) + ")");
    if (resp.status == 404)
      throw Error(Error::Kind::not_found, "channel",
                  "the Shelly device has no relay " + std::to_string(settings_.channel) + " (HTTP 404)");
    if (resp.status >= 500) throw Error(Error::Kind::transport, "", http_.describe(resp, what));
    if (resp.status >= 300) throw Error(Error::Kind::protocol, "", http_.describe(resp, what));
    return http_.json(resp, what);
  }

  Settings settings_;
  Transport http_;
};

}  // namespace

std::unique_ptr<Plug> make_shelly_gen1(const Settings& s) { return std::make_unique<ShellyGen1>(s); }

}  // namespace sarga::plug
