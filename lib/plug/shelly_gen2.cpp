// Shelly Gen2+ JSON-RPC over HTTP (POST /rpc with a full frame): Switch.Set with
// toggle_after as the device-side auto-off, Switch.GetStatus, Shelly.GetDeviceInfo. With
// authentication enabled the device wants RFC 7616 Digest (SHA-256), user "admin".
#include <chrono>
#include <cmath>

#include "lib/plug/drivers.h"
#include "lib/plug/transport.h"

namespace sarga::plug {
namespace {

class ShellyGen2 final : public Plug {
 public:
  explicit ShellyGen2(const Settings& s)
      : settings_(s), http_(s, Transport::Auth::digest, s.username.empty() ? "admin" : s.username) {}

  Driver driver() const override { return Driver::shelly_gen2; }

  DeviceInfo info() override {
    auto r = rpc("Shelly.GetDeviceInfo", nlohmann::json::object());
    DeviceInfo d;
    d.model = r.value("model", "");
    d.firmware = r.value("ver", r.value("fw_id", ""));
    d.name = r.value("id", "");
    return d;
  }

  State state() override {
    auto r = rpc("Switch.GetStatus", {{"id", settings_.channel}});
    if (!r.contains("output") || !r["output"].is_boolean())
      throw Error(Error::Kind::protocol, "", "Switch.GetStatus answered without a boolean \"output\"");
    State s;
    s.on = r["output"].get<bool>();
    if (r.contains("apower") && r["apower"].is_number()) s.power_w = r["apower"].get<double>();
    if (r.contains("timer_started_at") && r["timer_started_at"].is_number() && r.contains("timer_duration") &&
        r["timer_duration"].is_number()) {
      double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
      double end = r["timer_started_at"].get<double>() + r["timer_duration"].get<double>();
      s.timer_remaining_s = std::max(0.0, end - now);
    }
    return s;
  }

  State switch_on(std::optional<std::chrono::seconds> auto_off) override {
    nlohmann::json params{{"id", settings_.channel}, {"on", true}};
    if (auto_off) params["toggle_after"] = auto_off->count();
    rpc("Switch.Set", params);
    return settle(settings_, true, [&] { return state(); });
  }

  State switch_off() override {
    rpc("Switch.Set", {{"id", settings_.channel}, {"on", false}});
    return settle(settings_, false, [&] { return state(); });
  }

 private:
  nlohmann::json rpc(const std::string& method, const nlohmann::json& params) {
    http::Request r;
    r.method = "POST";
    r.path = "/rpc";
    r.content_type = "application/json";
    r.body = nlohmann::json{{"id", ++id_}, {"src", "sarga"}, {"method", method}, {"params", params}}.dump();
    auto resp = http_.send(r);
    if (resp.status == 401 || resp.status == 403)
      throw Error(Error::Kind::auth, "password",
                  "the Shelly device at " + http_.address() + " rejected the credentials for user admin (HTTP " +
                      std::to_string(resp.status) + ")");
    if (resp.status >= 500) throw Error(Error::Kind::transport, "", http_.describe(resp, method));
    auto j = http_.json(resp, method);
    const nlohmann::json* err = j.contains("error") ? &j["error"] : (j.contains("code") && j.contains("message") ? &j : nullptr);
    if (err && err->is_object()) {
      int code = err->value("code", 0);
      std::string message = err->value("message", "");
      if (code == 401) throw Error(Error::Kind::auth, "password", method + ": " + message);
      if (code == -105)
        throw Error(Error::Kind::not_found, "channel",
                    "the Shelly device has no switch " + std::to_string(settings_.channel) + " (" + message + ")");
      throw Error(Error::Kind::protocol, "", method + " failed with error " + std::to_string(code) + ": " + message);
    }
    if (resp.status >= 300) throw Error(Error::Kind::protocol, "", http_.describe(resp, method));
    if (j.contains("result")) return j["result"];
    return j;  // a device answering with the bare result object
  }

  Settings settings_;
  Transport http_;
  std::atomic<int> id_{0};
};

}  // namespace

std::unique_ptr<Plug> make_shelly_gen2(const Settings& s) { return std::make_unique<ShellyGen2>(s); }

}  // namespace sarga::plug
