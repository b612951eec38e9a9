// Faults on demand, reproducible from a seed: every rule counts the requests (or tasks) it
// matches, and the n-th match fails when hash(seed, rule, n) falls under the rule's rate.
// The same seed and the same request sequence give the same failures.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sarga::pvesim {

struct RequestFault {
  enum class Kind { none, error, drop, slow };
  Kind kind = Kind::none;
  int status = 500;
  std::string message;
  int delay_ms = 0;
};

struct TaskFault {
  std::string error;  // non-empty: the task ends with this exit status
  int warnings = 0;   // > 0: exit status "WARNINGS: n"
};

class Faults {
 public:
  explicit Faults(uint64_t seed = 1) : seed_(seed) {}

  // POST /_sim/faults body; replaces the whole plan. Throws std::runtime_error naming the
  // bad field. Format in the README.
  void configure(const nlohmann::json& plan);
  nlohmann::json to_json() const;
  void clear();

  // For one API request ("GET", "/nodes/pve1/qemu/100/config"): a slow rule and a failing
  // rule may both apply; slow comes first.
  std::vector<RequestFault> on_request(const std::string& method, const std::string& path);
  std::optional<TaskFault> on_task(const std::string& type);
  double extra_lock_hold(const std::string& type) const;  // seconds
  double status_400_window() const;                       // seconds after task start

  // The deterministic coin: value in [0,1) for (seed, stream, n).
  static double coin(uint64_t seed, uint64_t stream, uint64_t n);

 private:
  struct Rule {
    std::string pattern;
    std::regex regex;
    std::string method;  // "" = any
    double rate = 1;
    RequestFault fault;
    uint64_t seen = 0;
    int64_t max_hits = -1;
    int64_t hits = 0;
  };
  struct TaskRule {
    std::string pattern;
    std::regex regex;
    double rate = 1;
    TaskFault fault;
    uint64_t seen = 0;
    int64_t max_hits = -1;  // -1: unlimited
    int64_t hits = 0;
  };

  mutable std::mutex mutex_;
  uint64_t seed_;
  std::vector<Rule> rules_;
  std::vector<TaskRule> task_rules_;
  std::map<std::string, double> lock_hold_;
  double status_window_ = 0;
  nlohmann::json plan_ = nlohmann::json::object();
};

}  // namespace sarga::pvesim
