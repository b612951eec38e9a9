#include "acceptance-tests/pve-sim/faults.h"

#include <stdexcept>

namespace sarga::pvesim {

namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::regex compile(const std::string& pattern, const std::string& field) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw std::runtime_error(field + ": invalid regular expression '" + pattern + "': " + e.what());
  }
}

double rate_of(const nlohmann::json& j, const std::string& field) {
  double r = j.value("rate", 1.0);
  if (r < 0 || r > 1) throw std::runtime_error(field + ".rate: must be between 0 and 1");
  return r;
}

}  // namespace

double Faults::coin(uint64_t seed, uint64_t stream, uint64_t n) {
  uint64_t h = splitmix64(seed ^ splitmix64(stream * 0x100000001B3ULL ^ splitmix64(n)));
  return static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
}

void Faults::configure(const nlohmann::json& plan) {
  if (!plan.is_object()) throw std::runtime_error("faults: body must be a JSON object");
  std::vector<Rule> rules;
  std::vector<TaskRule> task_rules;
  std::map<std::string, double> lock_hold;
  uint64_t seed = plan.value("seed", seed_);
  if (plan.contains("requests")) {
    const auto& arr = plan["requests"];
    if (!arr.is_array()) throw std::runtime_error("requests: must be an array");
    for (size_t i = 0; i < arr.size(); ++i) {
      const auto& r = arr[i];
      std::string f = "requests[" + std::to_string(i) + "]";
      if (!r.is_object() || !r.contains("path") || !r["path"].is_string())
        throw std::runtime_error(f + ".path: missing (a regular expression over the API path)");
      Rule rule;
      rule.pattern = r["path"];
      rule.regex = compile(rule.pattern, f + ".path");
      rule.method = r.value("method", "");
      rule.rate = rate_of(r, f);
      rule.max_hits = r.value("max_hits", int64_t{-1});
      std::string kind = r.value("kind", "error");
      if (kind == "error") {
        rule.fault.kind = RequestFault::Kind::error;
        rule.fault.status = r.value("status", 500);
        if (rule.fault.status < 400 || rule.fault.status > 599)
          throw std::runtime_error(f + ".status: must be 400..599");
        rule.fault.message = r.value("message", "simulated failure");
      } else if (kind == "drop") {
        rule.fault.kind = RequestFault::Kind::drop;
      } else if (kind == "slow") {
        rule.fault.kind = RequestFault::Kind::slow;
        rule.fault.delay_ms = r.value("delay_ms", 1000);
        if (rule.fault.delay_ms < 0) throw std::runtime_error(f + ".delay_ms: must be >= 0");
      } else {
        throw std::runtime_error(f + ".kind: must be error, drop or slow (got '" + kind + "')");
      }
      rules.push_back(std::move(rule));
    }
  }
  if (plan.contains("tasks")) {
    const auto& arr = plan["tasks"];
    if (!arr.is_array()) throw std::runtime_error("tasks: must be an array");
    for (size_t i = 0; i < arr.size(); ++i) {
      const auto& t = arr[i];
      std::string f = "tasks[" + std::to_string(i) + "]";
      if (!t.is_object() || !t.contains("type") || !t["type"].is_string())
        throw std::runtime_error(f + ".type: missing (a regular expression over the task type)");
      TaskRule rule;
      rule.pattern = t["type"];
      rule.regex = compile(rule.pattern, f + ".type");
      rule.rate = rate_of(t, f);
      rule.fault.error = t.value("error", "");
      rule.fault.warnings = t.value("warnings", 0);
      rule.max_hits = t.value("max_hits", int64_t{-1});
      if (rule.fault.error.empty() && rule.fault.warnings <= 0)
        throw std::runtime_error(f + ": give \"error\" (exit status text) or \"warnings\" (count > 0)");
      task_rules.push_back(std::move(rule));
    }
  }
  if (plan.contains("lock_hold")) {
    if (!plan["lock_hold"].is_object())
      throw std::runtime_error("lock_hold: must be an object of task type -> seconds");
    for (auto it = plan["lock_hold"].begin(); it != plan["lock_hold"].end(); ++it) {
      if (!it->is_number() || it->get<double>() < 0)
        throw std::runtime_error("lock_hold." + it.key() + ": must be a number >= 0");
      lock_hold[it.key()] = it->get<double>();
    }
  }
  double window = plan.value("task_status_400_window", 0.0);
  if (window < 0) throw std::runtime_error("task_status_400_window: must be >= 0");
  std::lock_guard lk(mutex_);
  seed_ = seed;
  rules_ = std::move(rules);
  task_rules_ = std::move(task_rules);
  lock_hold_ = std::move(lock_hold);
  status_window_ = window;
  plan_ = plan;
}

nlohmann::json Faults::to_json() const {
  std::lock_guard lk(mutex_);
  nlohmann::json j = plan_;
  j["seed"] = seed_;
  nlohmann::json counters = nlohmann::json::array();
  for (const auto& r : rules_) counters.push_back({{"path", r.pattern}, {"seen", r.seen}, {"hits", r.hits}});
  j["counters"] = counters;
  return j;
}

void Faults::clear() {
  std::lock_guard lk(mutex_);
  rules_.clear();
  task_rules_.clear();
  lock_hold_.clear();
  status_window_ = 0;
  plan_ = nlohmann::json::object();
}

std::vector<RequestFault> Faults::on_request(const std::string& method, const std::string& path) {
  std::vector<RequestFault> out;
  std::lock_guard lk(mutex_);
  if (rules_.empty()) return out;
  for (size_t i = 0; i < rules_.size(); ++i) {
    Rule& r = rules_[i];
    if (!r.method.empty() && r.method != method) continue;
    if (!std::regex_search(path, r.regex)) continue;
    uint64_t n = r.seen++;
    if (r.max_hits >= 0 && r.hits >= r.max_hits) continue;
    if (coin(seed_, i, n) >= r.rate) continue;
    ++r.hits;
    if (r.fault.kind == RequestFault::Kind::slow)
      out.insert(out.begin(), r.fault);
    else if (out.empty() || out.back().kind == RequestFault::Kind::slow)
      out.push_back(r.fault);
  }
  return out;
}

std::optional<TaskFault> Faults::on_task(const std::string& type) {
  std::lock_guard lk(mutex_);
  for (size_t i = 0; i < task_rules_.size(); ++i) {
    TaskRule& r = task_rules_[i];
    if (!std::regex_search(type, r.regex)) continue;
    if (r.max_hits >= 0 && r.hits >= r.max_hits) continue;
    uint64_t n = r.seen++;
    if (coin(seed_, 1000 + i, n) < r.rate) {
      ++r.hits;
      return r.fault;
    }
  }
  return std::nullopt;
}

double Faults::extra_lock_hold(const std::string& type) const {
  std::lock_guard lk(mutex_);
  auto it = lock_hold_.find(type);
  return it == lock_hold_.end() ? 0 : it->second;
}

double Faults::status_400_window() const {
  std::lock_guard lk(mutex_);
  return status_window_;
}

}  // namespace sarga::pvesim
