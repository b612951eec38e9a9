// What sarga_bastion_power and sarga_bastion_session share: the plug connection attributes
// (each defaulting to the provider's `plug` block), `auto_off_after`, `wait_for`, turning a
// config into plug::Settings with errors that name the attribute, and mapping plug errors
// onto diagnostics.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/plug/plug.h"
#include "lib/plug/tcp_probe.h"
#include "provider/framework/context.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/model.h"
#include "provider/framework/schema.h"

namespace sarga::resources::bastion {

// driver, address, token, username, password, entity_id, power_entity_id, channel, insecure,
// ca_file.
std::vector<framework::Attribute> connection_attributes();
// auto_off_after, allow_missing_timer and wait_for {address, timeout}.
std::vector<framework::Attribute> timer_and_wait_attributes(const std::string& auto_off_help);

// "90s", "30m", "1h30m", "2h" (Go-style, whole seconds); nullopt when malformed or zero.
std::optional<std::chrono::seconds> parse_duration(const std::string& text);

// Checks that need only the config (durations, host:port); unknown values are skipped.
void validate_common(const framework::Model& config, framework::Diagnostics& diags);

// The config merged over the provider's plug block. nullopt plus errors naming the
// attribute (or the provider setting) when something is missing or invalid.
std::optional<plug::Settings> settings_from(const framework::Model& config, const framework::Context& ctx,
                                            const std::string& who, framework::Diagnostics& diags);

struct Timing {
  std::optional<std::chrono::seconds> auto_off;  // device timer to arm on power-on
  std::optional<plug::HostPort> wait_address;    // bastion port to wait for
  std::chrono::seconds wait_timeout{300};
};
// Reads auto_off_after / allow_missing_timer / wait_for and checks them against the driver:
// a timer on a device without one is an error unless allow_missing_timer is set (then the
// timer is dropped, with a warning when auto_off_after was set). `default_auto_off` applies
// when auto_off_after is null.
std::optional<Timing> timing_from(const framework::Model& config, plug::Driver driver,
                                  std::optional<std::chrono::seconds> default_auto_off,
                                  framework::Diagnostics& diags);

// A plug::Error as a diagnostic at the attribute it names ("token", "entity_id", ...).
void report(const plug::Error& e, const std::string& doing, framework::Diagnostics& diags);

// Bridges the framework's CancelToken to the atomic flag lib/http polls, for one call.
class CancelFlag {
 public:
  explicit CancelFlag(const framework::CancelToken& token);
  ~CancelFlag();
  std::atomic<bool>* get() { return flag_.get(); }

 private:
  framework::CancelToken token_;
  std::shared_ptr<std::atomic<bool>> flag_;
  uint64_t id_ = 0;
};

// Waits for the bastion after power-on; error at wait_for.address when it stays closed.
bool wait_for_bastion(const Timing& t, const framework::CancelToken& cancel, framework::Diagnostics& diags);

// "2026-11-22T02:30:00Z" for a time point (UTC, whole seconds).
std::string rfc3339(std::chrono::system_clock::time_point t);

}  // namespace sarga::resources::bastion
