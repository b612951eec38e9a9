#include "lib/log/log.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>

namespace sarga::log {
namespace {

constexpr int kOff = 5;  // one past Level::Error

int level_rank(Level level) { return static_cast<int>(level); }

// hclog's level names as OpenTofu's log parser expects them in "@level".
const char* level_name(Level level) {
  switch (level) {
    case Level::Trace: return "trace";
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
  }
  return "info";
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int threshold_from_env() {
  for (const char* name : {"TF_LOG_PROVIDER", "TF_LOG"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    if (lower(value) == "off") return kOff;
    Level level;
    return parse_level(value, level) ? level_rank(level) : level_rank(Level::Trace);
  }
  return level_rank(Level::Info);
}

std::atomic<int>& threshold() {
  static std::atomic<int> value{threshold_from_env()};
  return value;
}

// Never destroyed: threads may still log while the process exits.
std::mutex& write_mutex() {
  static auto* m = new std::mutex;
  return *m;
}

std::string& module_name() {
  static auto* name = new std::string("sarga");
  return *name;
}

// go-hclog's JSON time layout 2006-01-02T15:04:05.000000Z07:00 in local time.
std::string timestamp_now() {
  auto now = std::chrono::system_clock::now();
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  long fraction = static_cast<long>(micros % 1000000);
  if (fraction < 0) {
    fraction += 1000000;
    --seconds;
  }
  std::tm local{};
  localtime_r(&seconds, &local);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &local);
  long offset = local.tm_gmtoff;
  if (offset == 0) {
    std::snprintf(buf + n, sizeof buf - n, ".%06ldZ", fraction);
  } else {
    char sign = offset < 0 ? '-' : '+';
    long abs_offset = offset < 0 ? -offset : offset;
    std::snprintf(buf + n, sizeof buf - n, ".%06ld%c%02ld:%02ld", fraction, sign,
                  abs_offset / 3600, (abs_offset % 3600) / 60);
  }
  return buf;
}

void write_all(const std::string& line) {
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // stderr gone: nothing sensible left to do with a log line
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

bool parse_level(std::string_view text, Level& out) {
  std::string name = lower(text);
  if (name == "trace" || name == "json") out = Level::Trace;
  else if (name == "debug") out = Level::Debug;
  else if (name == "info") out = Level::Info;
  else if (name == "warn" || name == "warning") out = Level::Warn;
  else if (name == "error") out = Level::Error;
  else return false;
  return true;
}

bool enabled(Level level) { return level_rank(level) >= threshold().load(std::memory_order_relaxed); }

Level min_level() {
  int t = threshold().load(std::memory_order_relaxed);
  return t >= kOff ? Level::Error : static_cast<Level>(t);
}

void reload_level_from_env() { threshold().store(threshold_from_env()); }

void set_min_level(Level level) { threshold().store(level_rank(level)); }

void set_module(std::string_view module) {
  std::lock_guard lock(write_mutex());
  module_name() = std::string(module);
}

bool is_secret_key(std::string_view key) {
  static constexpr std::string_view kSecretWords[] = {
      "token", "secret", "password", "passwd", "passphrase", "private_key", "privatekey",
      "api_key", "apikey", "authorization", "cookie", "ticket", "csrf", "credential"};
  std::string name = lower(key);
  for (std::string_view word : kSecretWords) {
    if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

nlohmann::json redact(const nlohmann::json& value) {
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      out[it.key()] = is_secret_key(it.key()) ? nlohmann::json("[REDACTED]") : redact(it.value());
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(redact(item));
    return out;
  }
  return value;
}

void write(Level level, std::string_view message, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  nlohmann::json line = nlohmann::json::object();
  if (fields.is_object()) {
    line = redact(fields);
  } else if (!fields.is_null()) {
    line["fields"] = redact(fields);
  }
  line["@level"] = level_name(level);
  line["@message"] = std::string(message);
  line["@timestamp"] = timestamp_now();
  std::string text;
  {
    std::lock_guard lock(write_mutex());
    line["@module"] = module_name();
    // Replace invalid UTF-8 instead of throwing: a log call must never fail the caller.
    text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text.push_back('\n');
    write_all(text);
  }
}

void trace(std::string_view m, const nlohmann::json& f) { write(Level::Trace, m, f); }
void debug(std::string_view m, const nlohmann::json& f) { write(Level::Debug, m, f); }
void info(std::string_view m, const nlohmann::json& f) { write(Level::Info, m, f); }
void warn(std::string_view m, const nlohmann::json& f) { write(Level::Warn, m, f); }
void error(std::string_view m, const nlohmann::json& f) { write(Level::Error, m, f); }

}  // namespace sarga::log
