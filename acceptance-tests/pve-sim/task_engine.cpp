#include "acceptance-tests/pve-sim/task_engine.h"

#include <algorithm>
#include <limits>

#include "acceptance-tests/pve-sim/api_error.h"

namespace sarga::pvesim {

std::string TaskEngine::start(TaskSpec spec, double now, long wall, double node_boot_wall) {
  uint32_t& pid = next_pid_[spec.node];
  if (pid == 0) pid = 0x1A2B0 + static_cast<uint32_t>(next_pid_.size()) * 0x1000;
  Task t;
  t.upid.node = spec.node;
  t.upid.pid = pid++;
  // pstart: the worker's start in clock ticks (100 Hz) since the node booted.
  t.upid.pstart = static_cast<uint64_t>((static_cast<double>(wall) - node_boot_wall) * 100.0);
  t.upid.starttime = static_cast<uint32_t>(wall);
  t.upid.type = spec.type;
  t.upid.id = spec.id;
  t.upid.user = spec.user;
  t.upid_text = format_upid(t.upid);
  while (tasks_.count(t.upid_text)) {  // same second, same pid counter wrap: keep unique
    t.upid.pid = pid++;
    t.upid_text = format_upid(t.upid);
  }
  t.start = now;
  t.end = now + spec.duration;
  t.visible = now + spec.status_window;
  t.locks = std::move(spec.locks);
  t.log = std::move(spec.log);
  t.effect = std::move(spec.effect);
  t.cleanup = std::move(spec.cleanup);
  t.fault = std::move(spec.fault);
  std::string id = t.upid_text;
  tasks_.emplace(id, std::move(t));
  return id;
}

void TaskEngine::finish(Task& t) {
  t.done = true;
  std::string error;
  if (t.fault && !t.fault->error.empty()) {
    error = t.fault->error;
  } else {
    try {
      if (t.effect) t.effect(t);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!error.empty()) {
    if (t.cleanup) {
      try {
        t.cleanup(t);
      } catch (...) {
      }
    }
    t.log.push_back("TASK ERROR: " + error);
    t.exitstatus = error;
  } else {
    int warnings = static_cast<int>(std::count_if(t.log.begin(), t.log.end(), [](const std::string& l) {
      return l.rfind("WARN: ", 0) == 0;
    }));
    if (t.fault && t.fault->warnings > 0) {
      for (int i = 0; i < t.fault->warnings; ++i)
        t.log.push_back("WARN: simulated warning " + std::to_string(i + 1));
      warnings += t.fault->warnings;
    }
    if (warnings > 0) {
      t.exitstatus = "WARNINGS: " + std::to_string(warnings);
      t.log.push_back("TASK WARNINGS: " + std::to_string(warnings));
    } else {
      t.exitstatus = "OK";
      t.log.push_back("TASK OK");
    }
  }
  t.effect = nullptr;
  t.cleanup = nullptr;
  t.locks.clear();  // releases the guest locks
}

int TaskEngine::settle(double now) {
  std::vector<Task*> due;
  for (auto& [id, t] : tasks_)
    if (!t.done && t.end <= now) due.push_back(&t);
  std::sort(due.begin(), due.end(), [](const Task* a, const Task* b) { return a->end < b->end; });
  for (Task* t : due) finish(*t);
  prune();
  return static_cast<int>(due.size());
}

void TaskEngine::prune() {
  if (tasks_.size() <= kMaxTasks) return;
  // Forget the oldest finished tasks, as PVE rotates its task index.
  std::vector<std::pair<double, std::string>> done;
  for (const auto& [id, t] : tasks_)
    if (t.done) done.emplace_back(t.start, id);
  std::sort(done.begin(), done.end());
  size_t excess = tasks_.size() - kMaxTasks;
  for (size_t i = 0; i < excess && i < done.size(); ++i) tasks_.erase(done[i].second);
}

double TaskEngine::next_due() const {
  double best = std::numeric_limits<double>::max();
  for (const auto& [id, t] : tasks_)
    if (!t.done) best = std::min(best, t.end);
  return best;
}

const Task* TaskEngine::find(const std::string& upid) const {
  auto it = tasks_.find(upid);
  return it == tasks_.end() ? nullptr : &it->second;
}

std::vector<const Task*> TaskEngine::list(const std::string& node) const {
  std::vector<const Task*> out;
  for (const auto& [id, t] : tasks_)
    if (t.upid.node == node) out.push_back(&t);
  std::sort(out.begin(), out.end(), [](const Task* a, const Task* b) { return a->start > b->start; });
  return out;
}

bool TaskEngine::stop(const std::string& upid, double now) {
  auto it = tasks_.find(upid);
  if (it == tasks_.end() || it->second.done) return false;
  Task& t = it->second;
  t.done = true;
  t.end = now;
  if (t.cleanup) {
    try {
      t.cleanup(t);
    } catch (...) {
    }
  }
  t.log.push_back("received interrupt");
  t.log.push_back("TASK ERROR: interrupted by signal");
  t.exitstatus = "interrupted by signal";
  t.effect = nullptr;
  t.cleanup = nullptr;
  t.locks.clear();
  return true;
}

nlohmann::json TaskEngine::status_json(const Task& t) {
  nlohmann::json j = {{"upid", t.upid_text},
                      {"node", t.upid.node},
                      {"pid", t.upid.pid},
                      {"pstart", t.upid.pstart},
                      {"starttime", t.upid.starttime},
                      {"type", t.upid.type},
                      {"id", t.upid.id},
                      {"status", t.done ? "stopped" : "running"}};
  size_t bang = t.upid.user.find('!');
  j["user"] = t.upid.user.substr(0, bang);
  if (bang != std::string::npos) j["tokenid"] = t.upid.user.substr(bang + 1);
  if (t.done) j["exitstatus"] = t.exitstatus;
  return j;
}

nlohmann::json TaskEngine::log_json(const Task& t, int start, int limit, int* total) {
  nlohmann::json arr = nlohmann::json::array();
  int n = static_cast<int>(t.log.size());
  *total = n;
  for (int i = std::max(0, start); i < n && static_cast<int>(arr.size()) < limit; ++i)
    arr.push_back({{"n", i + 1}, {"t", t.log[i]}});
  return arr;
}

nlohmann::json TaskEngine::to_json() const {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& [id, t] : tasks_) {
    if (!t.done) continue;
    arr.push_back({{"upid", id}, {"exitstatus", t.exitstatus}, {"log", t.log}});
  }
  return arr;
}

void TaskEngine::restore(const nlohmann::json& j) {
  tasks_.clear();
  if (!j.is_array()) return;
  for (const auto& e : j) {
    auto u = parse_upid(e.value("upid", ""));
    if (!u) continue;
    Task t;
    t.upid = *u;
    t.upid_text = e["upid"];
    t.done = true;
    t.exitstatus = e.value("exitstatus", "unexpected status");
    t.log = e.value("log", std::vector<std::string>{});
    tasks_.emplace(t.upid_text, std::move(t));
  }
}

}  // namespace sarga::pvesim
