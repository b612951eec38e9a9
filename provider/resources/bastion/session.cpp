#include "provider/resources/bastion/session.h"

#include <map>
#include <mutex>

#include <openssl/rand.h>

#include "lib/log/log.h"
#include "provider/resources/bastion/connection.h"

namespace sarga::resources::bastion {
namespace {

using framework::Attribute;

constexpr const char* kType = "sarga_bastion_session";
constexpr std::chrono::seconds kDefaultAutoOff{30 * 60};

// An open session. Renew and close only receive the private bytes, so the settings (with
// their secrets) stay in this process and the private bytes carry just a random handle.
struct Session {
  plug::Settings settings;
  std::optional<std::chrono::seconds> auto_off;
};

class Registry {
 public:
  std::string add(Session s) {
    unsigned char raw[12];
    if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("no randomness for a session handle");
    static const char* hex = "0123456789abcdef";
    std::string handle;
    for (unsigned char c : raw) {
      handle.push_back(hex[c >> 4]);
      handle.push_back(hex[c & 15]);
    }
    std::lock_guard l(mu_);
    sessions_[handle] = std::move(s);
    return handle;
  }
  std::optional<Session> find(const std::string& handle) {
    std::lock_guard l(mu_);
    auto it = sessions_.find(handle);
    if (it == sessions_.end()) return std::nullopt;
    return it->second;
  }
  void erase(const std::string& handle) {
    std::lock_guard l(mu_);
    sessions_.erase(handle);
  }

 private:
  std::mutex mu_;
  std::map<std::string, Session> sessions_;
};

Registry& registry() {
  static Registry r;
  return r;
}

// Renew well before the device timer fires: at half of it, but never later than 5 minutes
// before (a slow renew must not race the timer).
std::optional<framework::TimePoint> renew_time(const std::optional<std::chrono::seconds>& auto_off) {
  if (!auto_off) return std::nullopt;
  auto lead = std::min<std::chrono::seconds>(*auto_off / 2, std::chrono::minutes(5));
  return std::chrono::system_clock::now() + (*auto_off - lead);
}

class BastionSession final : public framework::EphemeralResource {
 public:
  std::string type_name() const override { return kType; }

  framework::Schema schema() const override {
    framework::Schema s;
    s.description =
        "Powers a dark bastion for exactly one tofu run. Opening it switches the smart plug on with "
        "the device's own auto-off timer armed (`auto_off_after`, default `30m`) and waits until the "
        "bastion's port answers; OpenTofu renews it (re-arming the timer) while the run lasts and "
        "closes it (switching the plug off) when nothing needs it any more. If tofu is killed, the "
        "plug's timer still switches the bastion off. OpenTofu opens ephemeral resources in every "
        "plan and apply, so each of them powers the bastion for its duration. Needs OpenTofu 1.11+.";
    s.block.attributes = connection_attributes();
    for (auto& a : timer_and_wait_attributes(
             "The device timer armed at power-on and on every renew: the bastion goes dark this long "
             "after the last renew even if tofu dies (default `30m`). Not available with "
             "`home_assistant` (see `allow_missing_timer`)."))
      s.block.attributes.push_back(std::move(a));
    s.block.attributes.push_back(Attribute::string("host").computed().describe(
        "Host part of `wait_for.address`, for `connection { bastion_host = ... }` (null without wait_for)."));
    s.block.attributes.push_back(Attribute::number("port").computed().describe(
        "Port part of `wait_for.address` (null without wait_for)."));
    s.block.attributes.push_back(Attribute::string("opened_at").computed().describe(
        "When the plug was switched on (RFC 3339)."));
    s.block.attributes.push_back(Attribute::string("expires_at").computed().describe(
        "When the device timer switches the plug off unless renewed (RFC 3339); null without a timer."));
    s.block.attributes.push_back(Attribute::number("power_w").computed().describe(
        "Power drawn right after the bastion came up, when the plug measures it."));
    return s;
  }

  void validate(const framework::ValidateRequest& req, framework::Diagnostics& diags) const override {
    validate_common(req.config, diags);
  }

  void open(const framework::OpenRequest& req, framework::OpenResponse& resp) override {
    auto settings = settings_from(req.config, req.context, kType, resp.diagnostics);
    if (!settings) return;
    bool opted_out = req.config.get_bool("allow_missing_timer").value_or(false);
    auto timing = timing_from(req.config, settings->driver,
                              plug::driver_has_timer(settings->driver) || !opted_out
                                  ? std::optional<std::chrono::seconds>(kDefaultAutoOff)
                                  : std::nullopt,
                              resp.diagnostics);
    if (!timing) return;
    CancelFlag cancel(req.context.cancel);
    settings->cancel = cancel.get();
    auto opened = std::chrono::system_clock::now();
    plug::State on;
    try {
      on = plug::make_plug(*settings)->switch_on(timing->auto_off);
    } catch (const plug::Error& e) {
      report(e, "switching the bastion plug on", resp.diagnostics);
      // Close never follows a failed open: if the call half-happened (the plug did not
      // settle, the answer was lost), switch off now rather than rely on the timer alone.
      if (e.kind() == plug::Error::Kind::protocol || e.kind() == plug::Error::Kind::transport ||
          e.kind() == plug::Error::Kind::not_ready) {
        plug::Settings off = *settings;
        off.cancel = nullptr;  // even when tofu is stopping
        try {
          plug::make_plug(off)->switch_off();
        } catch (const plug::Error&) {  // already reported the cause; the timer is the backstop
        }
      }
      return;
    }
    Session session{*settings, timing->auto_off};
    session.settings.cancel = nullptr;
    std::string handle = registry().add(session);
    log::info("bastion session opened", {{"driver", plug::driver_name(settings->driver)},
                                         {"address", settings->address},
                                         {"auto_off_s", timing->auto_off ? timing->auto_off->count() : 0}});
    if (!wait_for_bastion(*timing, req.context.cancel, resp.diagnostics)) {
      // Close is not called when open fails: switch off here so the bastion does not linger.
      switch_off(handle, resp.diagnostics);
      return;
    }
    resp.private_data = handle;
    resp.renew_at = renew_time(timing->auto_off);
    if (timing->wait_address) {
      resp.result.set_string("host", timing->wait_address->host);
      resp.result.set_int("port", timing->wait_address->port);
    }
    resp.result.set_string("opened_at", rfc3339(opened));
    if (timing->auto_off) resp.result.set_string("expires_at", rfc3339(opened + *timing->auto_off));
    if (on.power_w) resp.result.set_double("power_w", *on.power_w);
  }

  void renew(const framework::RenewRequest& req, framework::RenewResponse& resp) override {
    auto session = registry().find(req.private_data);
    if (!session) {
      resp.diagnostics.error("Unknown bastion session",
                             "This provider process did not open the session being renewed; the plug's own "
                             "timer will still switch the bastion off.");
      return;
    }
    CancelFlag cancel(req.context.cancel);
    session->settings.cancel = cancel.get();
    try {
      plug::make_plug(session->settings)->switch_on(session->auto_off);  // restarts the device timer
    } catch (const plug::Error& e) {
      report(e, "re-arming the bastion plug's timer", resp.diagnostics);
      return;
    }
    log::info("bastion session renewed", {{"address", session->settings.address}});
    resp.renew_at = renew_time(session->auto_off);
  }

  void close(const framework::CloseRequest& req, framework::CloseResponse& resp) override {
    if (!registry().find(req.private_data)) {
      resp.diagnostics.warning("Unknown bastion session",
                               "This provider process did not open the session being closed; the plug's own "
                               "timer will switch the bastion off.");
      return;
    }
    switch_off(req.private_data, resp.diagnostics);
  }

 private:
  // Switching off must happen even while tofu is stopping, so no cancel token here (each
  // request is still bounded by the plug timeout).
  static void switch_off(const std::string& handle, framework::Diagnostics& diags) {
    auto session = registry().find(handle);
    if (!session) return;
    try {
      plug::make_plug(session->settings)->switch_off();
      log::info("bastion session closed", {{"address", session->settings.address}});
    } catch (const plug::Error& e) {
      report(e, "switching the bastion plug off", diags);
    }
    registry().erase(handle);
  }
};

}  // namespace

std::unique_ptr<framework::EphemeralResource> make_session_resource() { return std::make_unique<BastionSession>(); }

}  // namespace sarga::resources::bastion
