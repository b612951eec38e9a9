// Node task list, task status, task log, stopping a task.
#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/router.h"

namespace sarga::pvesim {

namespace {

// PVE answers 400 for a UPID it cannot decode or whose task file does not exist (yet).
const Task& task_or_throw(SimCore& core, const Call& call) {
  std::string upid = call.str("upid");
  auto decoded = parse_upid(upid);
  if (!decoded) throw param_error("upid", "unable to parse worker upid '" + upid + "'");
  const Task* t = core.tasks.find(upid);
  if (!t || decoded->node != call.str("node") || core.now() < t->visible)
    throw param_error("upid", "no such task");
  return *t;
}

nlohmann::json task_list(SimCore& core, Call& call) {
  core.node_or_throw(call.str("node"));
  long long limit = call.integer("limit", 50), start = call.integer("start", 0);
  std::string vmid = call.str("vmid"), source = call.str("source", "archive");
  std::string type = call.str("typefilter");
  std::shared_lock lk(core.mutex);
  nlohmann::json out = nlohmann::json::array();
  long long skipped = 0;
  for (const Task* t : core.tasks.list(call.str("node"))) {
    if (!vmid.empty() && t->upid.id != vmid) continue;
    if (!type.empty() && t->upid.type != type) continue;
    if (source == "active" && t->done) continue;
    if (source == "archive" && !t->done) continue;
    if (skipped++ < start) continue;
    if (static_cast<long long>(out.size()) >= limit) break;
    auto j = TaskEngine::status_json(*t);
    if (t->done) {
      j["status"] = t->exitstatus;
      j["endtime"] = t->upid.starttime + static_cast<long>(t->end - t->start);
    }
    out.push_back(j);
  }
  return out;
}

nlohmann::json task_status(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  return TaskEngine::status_json(task_or_throw(core, call));
}

nlohmann::json task_log(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  int total = 0;
  return TaskEngine::log_json(task_or_throw(core, call), static_cast<int>(call.integer("start", 0)),
                              static_cast<int>(call.integer("limit", 50)), &total);
}

nlohmann::json task_stop(SimCore& core, Call& call) {
  std::unique_lock lk(core.mutex);
  task_or_throw(core, call);
  core.tasks.stop(call.str("upid"), core.now());
  return nullptr;
}

nlohmann::json task_index(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  task_or_throw(core, call);
  return nlohmann::json::array({{{"name", "log"}}, {{"name", "status"}}});
}

}  // namespace

void register_task_handlers(Router& r) {
  r.add("GET", "/nodes/{node}/tasks", task_list);
  r.add("GET", "/nodes/{node}/tasks/{upid}", task_index);
  r.add("GET", "/nodes/{node}/tasks/{upid}/status", task_status);
  r.add("GET", "/nodes/{node}/tasks/{upid}/log", task_log);
  r.add("DELETE", "/nodes/{node}/tasks/{upid}", task_stop);
}

}  // namespace sarga::pvesim
