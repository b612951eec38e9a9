#include "provider/resources/bastion/power.h"

#include "lib/log/log.h"
#include "provider/framework/validators.h"
#include "provider/resources/bastion/connection.h"

namespace sarga::resources::bastion {
namespace {

using framework::Attribute;
using framework::Model;

constexpr const char* kType = "sarga_bastion_power";

std::string id_of(const plug::Settings& s) {
  std::string id = plug::driver_name(s.driver);
  id.append(":").append(s.address).append("#");
  id.append(s.driver == plug::Driver::home_assistant ? s.entity_id : std::to_string(s.channel));
  return id;
}

cty::Value optional_number(const std::optional<double>& v) {
  return v ? cty::Value::number_float(*v) : cty::Value::null(cty::Type::number());
}

class BastionPower final : public framework::Resource {
 public:
  std::string type_name() const override { return kType; }

  framework::Schema schema() const override {
    framework::Schema s;
    s.description =
        "The power state of a smart plug that feeds a normally-off (\"dark\") bastion host. "
        "`state = \"off\"` keeps it dark; refresh reads the plug, so a bastion left on shows as "
        "drift and the next apply switches it off. With `state = \"on\"` and `auto_off_after`, "
        "the plug's own timer (Shelly `toggle_after`, Shelly Gen1 `timer`, Tasmota `PulseTime`) "
        "switches it off again even if tofu dies. Destroy leaves the plug off. For power that "
        "lasts exactly one run, use the ephemeral `sarga_bastion_session` instead. Import with the id "
        "`<driver>:<address>#<entity_id or channel>`, e.g. `shelly_gen2:http://192.168.1.20#0`.";
    s.block.attributes = connection_attributes();
    for (auto& a : timer_and_wait_attributes(
             "Switch the plug off again after this long (`30m`, `1h`), using the device's own timer so "
             "it happens even if tofu is killed. Re-armed by every apply that changes this resource while "
             "`state` is `on`. "
             "Not available with `home_assistant` (see `allow_missing_timer`)."))
      s.block.attributes.push_back(std::move(a));
    s.block.attributes.push_back(Attribute::string("id").computed().use_state_for_unknown().describe(
        "`<driver>:<address>#<entity_id or channel>`."));
    s.block.attributes.push_back(
        Attribute::string("state")
            .optional()
            .default_value(cty::Value::string("off"))
            .validate(framework::validators::one_of({"on", "off"}))
            .describe("`on` or `off` (default). After refresh it holds what the plug reports."));
    s.block.attributes.push_back(Attribute::string("last_changed").computed().describe(
        "When the relay last changed (RFC 3339): as Home Assistant reports it, otherwise when sarga "
        "switched it; null when it changed outside sarga and the device does not say."));
    s.block.attributes.push_back(Attribute::number("power_w").computed().describe(
        "Power drawn through the plug in watts, when the device measures it (Shelly, Tasmota with "
        "energy monitoring, Home Assistant `current_power_w`)."));
    return s;
  }

  void validate(const framework::ValidateRequest& req, framework::Diagnostics& diags) const override {
    validate_common(req.config, diags);
  }

  // Which plug this is (driver, address, entity or channel, with provider defaults applied)
  // is the id; another plug means replacement, so the old one is switched off by destroy.
  // Comparing effective ids, not attributes, lets a config rely on provider defaults after
  // an import that recorded them.
  void modify_plan(const framework::ModifyPlanRequest& req, framework::ModifyPlanResponse& resp) override {
    if (resp.plan.is_null()) return;
    const cty::Path id_path = cty::Path().attribute("id");
    bool identity_known = true;
    for (const char* a : {"driver", "address", "entity_id", "channel"}) identity_known = identity_known && req.config.is_known(a);
    framework::Diagnostics scratch;  // missing settings are apply's to report: provider values may be unknown now
    auto settings = identity_known ? settings_from(req.config, req.context, kType, scratch) : std::nullopt;
    if (!settings) {
      if (!req.prior.is_null()) {
        resp.plan.set("id", cty::Value::unknown(cty::Type::string()));
        if (!identity_known) resp.requires_replace.push_back(id_path);
      }
      return;
    }
    if (req.config.value().is_wholly_known())  // a timer the plug cannot honour: say so at plan time
      timing_from(req.config, settings->driver, std::nullopt, resp.diagnostics);
    std::string id = id_of(*settings);
    resp.plan.set_string("id", id);
    if (!req.prior.is_null() && req.prior.get_string("id").value_or("") != id) resp.requires_replace.push_back(id_path);
  }

  void create(const framework::CreateRequest& req, framework::CreateResponse& resp) override {
    apply(req.config, req.context, Model(), resp.state, resp.diagnostics, &resp.created);
  }

  void update(const framework::UpdateRequest& req, framework::UpdateResponse& resp) override {
    apply(req.config, req.context, req.prior, resp.state, resp.diagnostics, nullptr);
  }

  void read(const framework::ReadRequest& req, framework::ReadResponse& resp) override {
    auto settings = settings_from(req.state, req.context, kType, resp.diagnostics);
    if (!settings) return;
    CancelFlag cancel(req.context.cancel);
    settings->cancel = cancel.get();
    try {
      plug::State now = plug::make_plug(*settings)->state();
      bool was_on = req.state.get_string("state").value_or("off") == "on";
      resp.state.set_string("state", now.on ? "on" : "off");
      resp.state.set("power_w", optional_number(now.power_w));
      if (now.last_changed) resp.state.set_string("last_changed", *now.last_changed);
      else if (now.on != was_on) resp.state.set_null("last_changed");  // switched outside sarga
      if (now.on != was_on)
        log::info("bastion plug state differs from the state file", {{"id", req.state.get_string("id").value_or("")},
                                                                       {"plug", now.on ? "on" : "off"}});
    } catch (const plug::Error& e) {
      if (e.kind() == plug::Error::Kind::not_ready) {
        // Keep the last known state: an unavailable plug must not look like "off".
        resp.diagnostics.warning("Plug not ready", std::string("Could not refresh the bastion plug: ") + e.what() +
                                                       ". The last known state is kept.");
        return;
      }
      report(e, "reading the plug", resp.diagnostics);
    }
  }

  // `<driver>:<address>#<entity_id or channel>`, the id this resource reports; credentials
  // come from the provider's plug settings until the configuration supplies its own.
  void import_state(const framework::ImportRequest& req, framework::ImportResponse& resp) override {
    auto colon = req.id.find(':');
    auto hash = req.id.rfind('#');
    auto driver = colon == std::string::npos ? std::nullopt : plug::parse_driver(req.id.substr(0, colon));
    if (!driver || hash == std::string::npos || hash < colon || hash + 1 == req.id.size()) {
      resp.diagnostics.error("Invalid import id",
                             "expected <driver>:<address>#<entity_id or channel>, e.g. "
                             "shelly_gen2:http://192.168.1.20#0 or home_assistant:http://ha.lan:8123#switch.bastion; got \"" +
                                 req.id + "\".");
      return;
    }
    std::string address = req.id.substr(colon + 1, hash - colon - 1);
    std::string which = req.id.substr(hash + 1);
    resp.state.set_string("driver", req.id.substr(0, colon));
    resp.state.set_string("address", address);
    if (*driver == plug::Driver::home_assistant) {
      resp.state.set_string("entity_id", which);
    } else {
      if (which.find_first_not_of("0123456789") != std::string::npos || which.size() > 2) {
        resp.diagnostics.error("Invalid import id", "the part after # must be the channel number, got \"" + which + "\".");
        return;
      }
      if (which != "0") resp.state.set_int("channel", std::stoi(which));
    }
    resp.state.set_string("id", req.id);
    resp.state.set_string("state", "off");  // read() replaces it with what the plug reports
  }

  void destroy(const framework::DeleteRequest& req, framework::DeleteResponse& resp) override {
    auto settings = settings_from(req.state, req.context, kType, resp.diagnostics);
    if (!settings) return;
    CancelFlag cancel(req.context.cancel);
    settings->cancel = cancel.get();
    try {
      plug::make_plug(*settings)->switch_off();
      log::info("bastion plug switched off (destroy)", {{"id", req.state.get_string("id").value_or("")}});
    } catch (const plug::Error& e) {
      report(e, "switching the plug off", resp.diagnostics);
    }
  }

 private:
  // Create and update: bring the plug to the configured state, re-arm the timer when on,
  // wait for the bastion, and record what the plug reports.
  void apply(const Model& config, const framework::Context& ctx, const Model& prior, Model& state,
             framework::Diagnostics& diags, bool* created) {
    auto settings = settings_from(config, ctx, kType, diags);
    if (!settings) return;
    auto timing = timing_from(config, settings->driver, std::nullopt, diags);
    if (!timing) return;
    CancelFlag cancel(ctx.cancel);
    settings->cancel = cancel.get();
    bool want_on = config.get_string("state").value_or("off") == "on";
    state.set_string("id", id_of(*settings));
    try {
      auto device = plug::make_plug(*settings);
      plug::State before = device->state();
      // The plug answers: from here a failed switch may have half-happened, so a create is
      // recorded (tainted on error) and destroy can switch the plug off.
      if (created) *created = true;
      plug::State after = before;
      if (want_on) after = device->switch_on(timing->auto_off);
      else if (before.on) after = device->switch_off();
      bool changed = after.on != before.on;
      log::info(want_on ? "bastion plug switched on" : "bastion plug switched off",
                {{"id", id_of(*settings)},
                 {"auto_off_s", timing->auto_off ? timing->auto_off->count() : 0},
                 {"changed", changed}});
      state.set_string("state", after.on ? "on" : "off");
      state.set("power_w", optional_number(after.power_w));
      if (after.last_changed) state.set_string("last_changed", *after.last_changed);
      else if (changed) state.set_string("last_changed", rfc3339(std::chrono::system_clock::now()));
      else if (!prior.is_null() && prior.get_string("last_changed")) state.set_string("last_changed", *prior.get_string("last_changed"));
      else state.set_null("last_changed");
      if (want_on) wait_for_bastion(*timing, ctx.cancel, diags);
    } catch (const plug::Error& e) {
      report(e, want_on ? "switching the plug on" : "switching the plug off", diags);
    }
  }
};

}  // namespace

std::unique_ptr<framework::Resource> make_power_resource() { return std::make_unique<BastionPower>(); }

}  // namespace sarga::resources::bastion
