// Worker tasks as PVE runs them: a UPID per task, "running" for a configured time, then
// "stopped" with exit status OK, "WARNINGS: n" or the error text, and a log. Not
// thread-safe on its own: SimCore's state mutex guards it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acceptance-tests/pve-sim/faults.h"
#include "acceptance-tests/pve-sim/lock_table.h"
#include "acceptance-tests/pve-sim/upid.h"

namespace sarga::pvesim {

struct Task;
// Runs when the task ends; returns normally for success (it may add "WARN: ..." log lines)
// or throws (ApiError or std::exception) whose text becomes the exit status.
using TaskEffect = std::function<void(Task&)>;
// Undoes what the start did when the task fails (e.g. removes a half-created guest).
using TaskCleanup = std::function<void(Task&)>;

struct Task {
  Upid upid;
  std::string upid_text;
  double start = 0;    // steady clock seconds
  double end = 0;      // when it stops
  double visible = 0;  // before this, the status endpoint answers 400 (fault window)
  bool done = false;
  std::string exitstatus;
  std::vector<std::string> log;
  std::vector<std::shared_ptr<HeldLock>> locks;  // released when the task stops
  TaskEffect effect;
  TaskCleanup cleanup;
  std::optional<TaskFault> fault;
};

struct TaskSpec {
  std::string node, type, id, user;
  double duration = 0;
  double status_window = 0;
  std::vector<std::shared_ptr<HeldLock>> locks;
  std::vector<std::string> log;  // lines written at start
  TaskEffect effect;
  TaskCleanup cleanup;
  std::optional<TaskFault> fault;
};

class TaskEngine {
 public:
  // Starts a task at steady time `now`, wall-clock `wall`; returns its UPID text.
  std::string start(TaskSpec spec, double now, long wall, double node_boot_wall);
  // Stops every task whose time has come; returns how many.
  int settle(double now);
  // Earliest end of a running task, or a huge value.
  double next_due() const;

  const Task* find(const std::string& upid) const;
  std::vector<const Task*> list(const std::string& node) const;
  // Ends a running task now with "unexpected status" as PVE's DELETE /tasks does (stop).
  bool stop(const std::string& upid, double now);

  static nlohmann::json status_json(const Task& t);
  static nlohmann::json log_json(const Task& t, int start, int limit, int* total);

  nlohmann::json to_json() const;  // finished tasks only, for --state
  void restore(const nlohmann::json& j);
  void clear() { tasks_.clear(); }

  static constexpr size_t kMaxTasks = 20000;  // finished tasks kept (oldest dropped first)

 private:
  void finish(Task& t);
  void prune();
  std::map<std::string, Task> tasks_;
  std::map<std::string, uint32_t> next_pid_;
};

}  // namespace sarga::pvesim
