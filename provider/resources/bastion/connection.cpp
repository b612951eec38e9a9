#include "provider/resources/bastion/connection.h"

#include <ctime>

#include "lib/log/log.h"
#include "provider/framework/validators.h"

namespace sarga::resources::bastion {

using framework::Attribute;
using framework::Diagnostics;
using framework::Model;

namespace {

const std::vector<std::string> kDrivers = {"home_assistant", "shelly_gen2", "shelly_gen1", "tasmota", "shelly"};

cty::Path at(const std::string& name) { return cty::Path().attribute(name); }
cty::Path wait_at(const std::string& name) { return cty::Path().attribute("wait_for").attribute(name); }

}  // namespace

std::vector<Attribute> connection_attributes() {
  return {
      Attribute::string("driver").optional().validate(framework::validators::one_of(kDrivers)).describe(
          "`home_assistant`, `shelly_gen2` (`shelly` is the same), `shelly_gen1` or `tasmota`. "
          "Default: the provider's `plug.driver` (`SARGA_PLUG_DRIVER`)."),
      Attribute::string("address").optional().describe(
          "Base URL of the plug (`http://192.168.1.20`) or of Home Assistant (`http://ha.lan:8123`). "
          "Default: the provider's `plug.address` (`SARGA_PLUG_ADDRESS`)."),
      Attribute::string("token").optional().sensitive().describe(
          "Home Assistant long-lived access token. Default: the provider's `plug.token` (`SARGA_PLUG_TOKEN`)."),
      Attribute::string("username").optional().describe(
          "Web user of a Shelly Gen1 or Tasmota plug (default `admin`; Shelly Gen2 always uses `admin`). "
          "Default: the provider's `plug.username`."),
      Attribute::string("password").optional().sensitive().describe(
          "Password of a Shelly or Tasmota plug (Shelly Gen2: digest authentication). "
          "Default: the provider's `plug.password` (`SARGA_PLUG_PASSWORD`)."),
      Attribute::string("entity_id").optional().describe(
          "Home Assistant entity that switches the bastion: `switch.*` or `input_boolean.*`."),
      Attribute::string("power_entity_id").optional().describe(
          "Home Assistant `sensor.*` entity with the plug's draw in W, for `power_w` (HA switches carry none)."),
      Attribute::number("channel").optional().validate(framework::validators::int_between(0, 15)).describe(
          "Relay / switch number on a multi-channel plug (default 0)."),
      Attribute::boolean("insecure").optional().describe(
          "Skip TLS verification for an `https://` address (explicit opt-in). Default: the provider's `plug.insecure`."),
      Attribute::string("ca_file").optional().describe(
          "PEM file with the CA of the plug's certificate. Default: the provider's `plug.ca_file`."),
  };
}

std::vector<Attribute> timer_and_wait_attributes(const std::string& auto_off_help) {
  return {
      Attribute::string("auto_off_after").optional().describe(auto_off_help),
      Attribute::boolean("allow_missing_timer").optional().describe(
          "Home Assistant switches have no timer of their own, so `auto_off_after` is an error with "
          "`home_assistant` unless this is `true`: you accept that the bastion stays on if the run dies."),
      Attribute::nested("wait_for", framework::Nesting::Single,
                        {
                            Attribute::string("address").required().describe(
                                "`host:port` of the bastion (usually its SSH port) that must accept TCP "
                                "connections after power-on."),
                            Attribute::string("timeout").optional().describe(
                                "How long to wait for it, e.g. `90s`, `5m` (default `5m`)."),
                        })
          .optional()
          .describe("Wait after power-on until the bastion has booted and its port answers."),
  };
}

std::optional<std::chrono::seconds> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    long long n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > 10'000'000) return std::nullopt;
      ++i;
    }
    if (i == start || i == text.size()) return std::nullopt;  // a unit is required
    char unit = text[i++];
    if (unit == 'h') total += n * 3600;
    else if (unit == 'm') total += n * 60;
    else if (unit == 's') total += n;
    else return std::nullopt;
  }
  if (total <= 0) return std::nullopt;
  return std::chrono::seconds(total);
}

void validate_common(const Model& config, Diagnostics& diags) {
  if (config.is_known("auto_off_after")) {
    if (auto v = config.get_string("auto_off_after"); v && !parse_duration(*v))
      diags.error(at("auto_off_after"), "Invalid duration",
                  "auto_off_after must be a duration such as \"90s\", \"30m\" or \"1h30m\", got \"" + *v + "\".");
  }
  Model wait = config.get_object("wait_for");
  if (wait.is_null() || !wait.value().is_known()) return;
  if (auto a = wait.get_string("address")) {
    std::string problem;
    if (plug::parse_host_port(*a, problem).host.empty())
      diags.error(wait_at("address"), "Invalid bastion address", "wait_for.address " + problem + ".");
  }
  if (auto t = wait.get_string("timeout"); t && !parse_duration(*t))
    diags.error(wait_at("timeout"), "Invalid duration",
                "wait_for.timeout must be a duration such as \"90s\" or \"5m\", got \"" + *t + "\".");
}

std::optional<plug::Settings> settings_from(const Model& config, const framework::Context& ctx,
                                            const std::string& who, Diagnostics& diags) {
  const auto& defaults = ctx.provider->plug();
  if (!ctx.provider->plug_problem().empty()) {
    diags.error("Invalid plug settings", who + " uses the provider's plug settings, but the environment is invalid: " +
                                             ctx.provider->plug_problem() + ".");
    return std::nullopt;
  }
  auto pick = [&](const char* name, const std::string& fallback) {
    return config.get_string(name).value_or(fallback);
  };
  plug::Settings s;
  std::string driver = pick("driver", defaults.driver);
  std::string address = pick("address", defaults.address);
  bool ok = true;
  if (driver.empty()) {
    diags.error(at("driver"), "Missing plug driver",
                who + " needs a plug driver: set driver here, plug { driver } in the provider block, or SARGA_PLUG_DRIVER.");
    ok = false;
  } else if (auto d = plug::parse_driver(driver)) {
    s.driver = *d;
  } else {
    diags.error(at("driver"), "Unknown plug driver",
                "driver must be one of home_assistant, shelly_gen2, shelly_gen1, tasmota, got \"" + driver + "\".");
    ok = false;
  }
  if (address.empty()) {
    diags.error(at("address"), "Missing plug address",
                who + " needs the plug's URL: set address here, plug { address } in the provider block, or SARGA_PLUG_ADDRESS.");
    ok = false;
  } else if (address.rfind("http://", 0) != 0 && address.rfind("https://", 0) != 0) {
    diags.error(at("address"), "Invalid plug address",
                "address must be an http(s) URL such as http://192.168.1.20, got \"" + address + "\".");
    ok = false;
  }
  s.address = address;
  s.token = pick("token", defaults.token);
  s.username = pick("username", defaults.username);
  s.password = pick("password", defaults.password);
  s.entity_id = config.get_string("entity_id").value_or("");
  s.power_entity_id = config.get_string("power_entity_id").value_or("");
  s.channel = static_cast<int>(config.get_int("channel").value_or(0));
  s.tls.insecure = config.get_bool("insecure").value_or(defaults.insecure);
  s.tls.ca_file = pick("ca_file", defaults.ca_file);
  // One line per HTTP attempt at TF_LOG=debug; lib/http has already removed the secrets.
  s.debug_log = [](const std::string& line) { log::debug("plug request", {{"request", line}}); };
  if (ok && s.driver == plug::Driver::home_assistant) {
    if (s.token.empty()) {
      diags.error(at("token"), "Missing Home Assistant token",
                  "driver home_assistant needs a long-lived access token: set token here, plug { token } in the "
                  "provider block, or SARGA_PLUG_TOKEN.");
      ok = false;
    }
    auto dot = s.entity_id.find('.');
    std::string domain = dot == std::string::npos ? "" : s.entity_id.substr(0, dot);
    if (s.entity_id.empty()) {
      diags.error(at("entity_id"), "Missing entity_id",
                  "driver home_assistant needs entity_id, the switch.* or input_boolean.* entity of the plug.");
      ok = false;
    } else if ((domain != "switch" && domain != "input_boolean") || dot + 1 == s.entity_id.size()) {
      diags.error(at("entity_id"), "Unsupported entity",
                  "entity_id must be a switch.* or input_boolean.* entity, got \"" + s.entity_id + "\".");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return s;
}

std::optional<Timing> timing_from(const Model& config, plug::Driver driver,
                                  std::optional<std::chrono::seconds> default_auto_off, Diagnostics& diags) {
  Timing t;
  t.auto_off = default_auto_off;
  if (auto v = config.get_string("auto_off_after")) {
    t.auto_off = parse_duration(*v);
    if (!t.auto_off) {
      diags.error(at("auto_off_after"), "Invalid duration", "auto_off_after must be a duration such as \"30m\".");
      return std::nullopt;
    }
  }
  if (t.auto_off && !plug::driver_has_timer(driver)) {
    if (!config.get_bool("allow_missing_timer").value_or(false)) {
      diags.error(at("auto_off_after"), "The plug has no auto-off timer",
                  plug::driver_name(driver) +
                      " cannot switch itself off after a delay, so nothing would power the bastion down if this run "
                      "died. Use a Shelly or Tasmota plug, or set allow_missing_timer = true to accept that.");
      return std::nullopt;
    }
    if (config.get_string("auto_off_after"))
      diags.warning(at("auto_off_after"), "auto_off_after is ignored",
                    plug::driver_name(driver) + " has no device timer and allow_missing_timer is set: the bastion "
                                                "stays on until it is switched off.");
    t.auto_off.reset();
  }
  Model wait = config.get_object("wait_for");
  if (!wait.is_null()) {
    std::string problem;
    auto hp = plug::parse_host_port(wait.get_string("address").value_or(""), problem);
    if (hp.host.empty()) {
      diags.error(wait_at("address"), "Invalid bastion address", "wait_for.address " + problem + ".");
      return std::nullopt;
    }
    t.wait_address = hp;
    if (auto to = wait.get_string("timeout")) {
      auto d = parse_duration(*to);
      if (!d) {
        diags.error(wait_at("timeout"), "Invalid duration", "wait_for.timeout must be a duration such as \"5m\".");
        return std::nullopt;
      }
      t.wait_timeout = *d;
    }
  }
  return t;
}

void report(const plug::Error& e, const std::string& doing, Diagnostics& diags) {
  std::string summary;
  switch (e.kind()) {
    case plug::Error::Kind::auth: summary = "Plug rejected the credentials"; break;
    case plug::Error::Kind::not_found: summary = "Plug entity or channel not found"; break;
    case plug::Error::Kind::not_ready: summary = "Plug not ready"; break;
    case plug::Error::Kind::unsupported: summary = "Not supported by this plug"; break;
    case plug::Error::Kind::transport: summary = "Cannot reach the plug"; break;
    case plug::Error::Kind::protocol: summary = "Unexpected answer from the plug"; break;
    case plug::Error::Kind::cancelled: summary = "Cancelled"; break;
  }
  std::string detail = doing + ": " + e.what();
  if (!e.setting().empty()) detail += " (check " + e.setting() + ")";
  detail += ".";
  if (e.setting().empty() || e.setting() == "driver")
    diags.error(summary, detail);
  else
    diags.error(at(e.setting()), summary, detail);
}

CancelFlag::CancelFlag(const framework::CancelToken& token)
    : token_(token), flag_(std::make_shared<std::atomic<bool>>(false)) {
  auto flag = flag_;
  id_ = token_.on_cancel([flag] { flag->store(true); });
}

CancelFlag::~CancelFlag() {
  if (id_) token_.remove_callback(id_);
}

bool wait_for_bastion(const Timing& t, const framework::CancelToken& cancel, Diagnostics& diags) {
  if (!t.wait_address) return true;
  if (plug::wait_for_tcp(*t.wait_address, t.wait_timeout, [&] { return cancel.cancelled(); })) return true;
  std::string target = t.wait_address->host + ":" + std::to_string(t.wait_address->port);
  if (cancel.cancelled())
    diags.error(wait_at("address"), "Cancelled", "stopped while waiting for the bastion at " + target + ".");
  else
    diags.error(wait_at("address"), "Bastion did not come up",
                "the plug is on, but " + target + " did not accept TCP connections within " +
                    std::to_string(t.wait_timeout.count()) +
                    "s. Check the host's BIOS setting \"restore on AC power loss\" = on, and the address.");
  return false;
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sarga::resources::bastion
