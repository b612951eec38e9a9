// Provider logs as go-hclog JSON lines on stderr, which OpenTofu parses and shows with TF_LOG.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace sarga::log {

enum class Level { Trace, Debug, Info, Warn, Error };

// Writes one JSON line ({"@level","@message","@timestamp","@module", ...fields}) to stderr
// when `level` is at or above the minimum. Thread-safe; each line is a single write(2).
// Values of secret-looking keys in `fields` are redacted (see redact()).
void write(Level level, std::string_view message,
           const nlohmann::json& fields = nlohmann::json::object());

void trace(std::string_view message, const nlohmann::json& fields = nlohmann::json::object());
void debug(std::string_view message, const nlohmann::json& fields = nlohmann::json::object());
void info(std::string_view message, const nlohmann::json& fields = nlohmann::json::object());
void warn(std::string_view message, const nlohmann::json& fields = nlohmann::json::object());
void error(std::string_view message, const nlohmann::json& fields = nlohmann::json::object());

// True when a line at `level` would be written (to skip building expensive fields).
bool enabled(Level level);

// Minimum level in effect: TF_LOG_PROVIDER, else TF_LOG, else Info (read once, at first use).
// A set variable that is not a level name means Trace (as Terraform documents); "off" turns
// logging off, and then min_level() reports Error while enabled() is false for every level.
Level min_level();

// Reads TF_LOG_PROVIDER / TF_LOG again (tests; a program that changed its environment).
void reload_level_from_env();

// Overrides the minimum level (and turns logging back on after "off").
void set_min_level(Level level);

// Sets the "@module" value (default "sarga"); thread-safe, meant for start-up.
void set_module(std::string_view module);

// Parses an hclog level name (trace, debug, info, warn, error; any case; also "warning",
// and "JSON", which Terraform/OpenTofu treat as trace). Returns false for anything else,
// including "off".
bool parse_level(std::string_view text, Level& out);

// True for keys that name secrets: token, secret, password, passwd, passphrase,
// private_key, api_key, authorization, cookie, ticket, csrf, credential (substring match,
// any case, with or without the underscore).
bool is_secret_key(std::string_view key);

// Copy of `value` with every secret key's value (at any depth) replaced by "[REDACTED]".
nlohmann::json redact(const nlohmann::json& value);

}  // namespace sarga::log
