// Home Assistant REST: GET /api/states/<entity>, POST /api/services/<domain>/turn_on|off.
// The service call only says which states changed, so the state is always read back; an
// entity that is "unavailable"/"unknown" is not ready (never taken for off). Switches in
// Home Assistant have no auto-off timer of their own.
#include <string>

#include "lib/plug/drivers.h"
#include "lib/plug/transport.h"

namespace sarga::plug {
namespace {

class HomeAssistant final : public Plug {
 public:
  explicit HomeAssistant(const Settings& s)
      : settings_(s), http_(s, Transport::Auth::bearer, ""), entity_(s.entity_id) {
    auto dot = entity_.find('.');
    domain_ = dot == std::string::npos ? "" : entity_.substr(0, dot);
  }

  Driver driver() const override { return Driver::home_assistant; }

  DeviceInfo info() override {
    auto j = read_entity();
    DeviceInfo d;
    d.model = domain_;
    d.name = j.value("attributes", nlohmann::json::object()).value("friendly_name", entity_);
    return d;
  }

  State state() override {
    auto j = read_entity();
    std::string st = j.value("state", "");
    if (st == "unavailable" || st == "unknown")
      throw Error(Error::Kind::not_ready, "entity_id",
                  "Home Assistant reports " + entity_ + " as \"" + st +
                      "\": the plug is not reachable from Home Assistant right now");
    if (st != "on" && st != "off")
      throw Error(Error::Kind::protocol, "entity_id",
                  "Home Assistant reports state \"" + st + "\" for " + entity_ + ", expected on or off");
    State s;
    s.on = st == "on";
    if (j.contains("last_changed") && j["last_changed"].is_string()) s.last_changed = j["last_changed"].get<std::string>();
    const auto& attrs = j.value("attributes", nlohmann::json::object());
    for (const char* key : {"current_power_w", "power"})
      if (attrs.contains(key) && attrs[key].is_number()) s.power_w = attrs[key].get<double>();
    if (!settings_.power_entity_id.empty()) s.power_w = sensor_watts();
    return s;
  }

  State switch_on(std::optional<std::chrono::seconds> auto_off) override {
    if (auto_off)
      throw Error(Error::Kind::unsupported, "auto_off_after",
                  "Home Assistant switches have no device-side auto-off timer");
    call("turn_on");
    return settle(settings_, true, [&] { return state(); });
  }

  State switch_off() override {
    call("turn_off");
    return settle(settings_, false, [&] { return state(); });
  }

 private:
  nlohmann::json read_entity() {
    http::Request r;
    r.path = "/api/states/" + entity_;
    auto resp = http_.send(r);
    check(resp, "reading " + entity_);
    return http_.json(resp, "reading " + entity_);
  }

  // HA switches carry no draw; a power sensor entity may. Its state is a number string.
  std::optional<double> sensor_watts() {
    http::Request r;
    r.path = "/api/states/" + settings_.power_entity_id;
    auto resp = http_.send(r);
    if (resp.status == 404)
      throw Error(Error::Kind::not_found, "power_entity_id",
                  "Home Assistant at " + http_.address() + " has no entity " + settings_.power_entity_id);
    if (resp.status != 200) return std::nullopt;
    try {
      std::string v = nlohmann::json::parse(resp.body).at("state").get<std::string>();
      size_t used = 0;
      double w = std::stod(v, &used);
      if (used == v.size()) return w;
    } catch (const std::exception&) {  // "unavailable", not JSON, ...: not reported
    }
    return std::nullopt;
  }

  void call(const std::string& service) {
    http::Request r;
    r.method = "POST";
    r.path = "/api/services/" + domain_ + "/" + service;
    r.content_type = "application/json";
    r.body = nlohmann::json{{"entity_id", entity_}}.dump();
    auto resp = http_.send(r);
    check(resp, domain_ + "." + service + " for " + entity_);
  }

  void check(const http::Response& resp, const std::string& what) {
    if (resp.status >= 200 && resp.status < 300) return;
    if (resp.status == 401 || resp.status == 403)
      throw Error(Error::Kind::auth, "token",
                  "Home Assistant at " + http_.address() + " rejected the access token (HTTP " +
                      std::to_string(resp.status) + "); create a long-lived access token in your profile");
    if (resp.status == 404)
      throw Error(Error::Kind::not_found, "entity_id",
                  "Home Assistant at " + http_.address() + " has no entity " + entity_);
    if (resp.status == 400)
      throw Error(Error::Kind::protocol, "entity_id", http_.describe(resp, what));
    throw Error(Error::Kind::transport, "", http_.describe(resp, what));
  }

  Settings settings_;
  Transport http_;
  std::string entity_, domain_;
};

}  // namespace

std::unique_ptr<Plug> make_home_assistant(const Settings& s) {
  if (s.token.empty())
    throw Error(Error::Kind::auth, "token", "the home_assistant driver needs a long-lived access token");
  auto dot = s.entity_id.find('.');
  std::string domain = dot == std::string::npos ? "" : s.entity_id.substr(0, dot);
  if ((domain != "switch" && domain != "input_boolean") || dot + 1 >= s.entity_id.size())
    throw Error(Error::Kind::not_found, "entity_id",
                "entity_id must be a switch.* or input_boolean.* entity, got \"" + s.entity_id + "\"");
  return std::make_unique<HomeAssistant>(s);
}

}  // namespace sarga::plug
