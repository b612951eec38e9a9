// One interface over the smart plugs that power a "dark bastion": read the relay, switch it
// on (optionally with the device's own auto-off timer, so the bastion goes dark even when
// the caller dies) or off, and describe the device. Drivers: Home Assistant REST, Shelly
// Gen2 RPC, Shelly Gen1 HTTP and Tasmota HTTP. Every switch re-reads the device afterwards,
// so the returned state is what the plug reports, not what was asked for.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "lib/http/http.h"

namespace sarga::plug {

enum class Driver { home_assistant, shelly_gen2, shelly_gen1, tasmota };

// "home_assistant", "shelly_gen2", "shelly_gen1", "tasmota" ("shelly" means Gen2).
std::optional<Driver> parse_driver(std::string_view name);
std::string driver_name(Driver driver);
// Whether the device can switch itself off after a delay (Home Assistant cannot).
bool driver_has_timer(Driver driver);

struct Settings {
  Driver driver = Driver::home_assistant;
  std::string address;   // base URL of the plug, or of Home Assistant
  std::string token;     // Home Assistant long-lived access token (secret)
  std::string username;  // Shelly Gen1 / Tasmota (Tasmota and Gen2 default to "admin")
  std::string password;  // secret
  std::string entity_id; // Home Assistant: switch.* or input_boolean.*
  std::string power_entity_id;  // Home Assistant: optional sensor.* with the draw in W
  int channel = 0;       // relay / switch id on multi-channel devices
  http::TlsOptions tls;
  std::chrono::milliseconds timeout{10'000};   // one HTTP request
  std::chrono::milliseconds settle{15'000};    // how long a re-read may lag behind a switch
  int max_retries = 2;                         // transient errors (5xx, connection)
  std::atomic<bool>* cancel = nullptr;
  std::function<void(const std::string&)> debug_log;  // redacted lines
};

struct State {
  bool on = false;
  std::optional<double> power_w;             // active power, when the device measures it
  std::optional<std::string> last_changed;   // RFC 3339, when the device reports it
  std::optional<double> timer_remaining_s;   // auto-off timer running on the device
};

struct DeviceInfo {
  std::string model;     // e.g. "SNPL-00112EU", "switch" (HA domain)
  std::string firmware;
  std::string name;      // device id or friendly name
};

class Error : public std::runtime_error {
 public:
  enum class Kind {
    auth,         // credentials rejected
    not_found,    // unknown entity / channel
    not_ready,    // device known but unavailable (HA "unavailable"/"unknown")
    unsupported,  // e.g. an auto-off timer on Home Assistant
    transport,    // network, TLS, timeout, 5xx
    protocol,     // an answer we cannot understand
    cancelled,
  };
  // `setting` names the setting at fault ("token", "password", "entity_id", "channel",
  // "address"), empty when none is.
  Error(Kind kind, std::string setting, const std::string& message)
      : std::runtime_error(message), kind_(kind), setting_(std::move(setting)) {}
  Kind kind() const { return kind_; }
  const std::string& setting() const { return setting_; }

 private:
  Kind kind_;
  std::string setting_;
};

class Plug {
 public:
  virtual ~Plug() = default;
  virtual Driver driver() const = 0;
  virtual DeviceInfo info() = 0;
  virtual State state() = 0;
  // `auto_off`: the device switches itself off after this delay (restarting a running timer).
  // Error::unsupported when the device has no timer. Returns the state read back.
  virtual State switch_on(std::optional<std::chrono::seconds> auto_off) = 0;
  virtual State switch_off() = 0;
};

// Throws Error (setting "address" etc.) when the settings cannot work for the driver.
std::unique_ptr<Plug> make_plug(const Settings& settings);

}  // namespace sarga::plug
