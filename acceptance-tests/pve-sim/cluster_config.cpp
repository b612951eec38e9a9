#include "acceptance-tests/pve-sim/cluster_config.h"

#include <algorithm>
#include <stdexcept>

namespace sarga::pvesim {

namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& field, const std::string& why) {
  throw std::runtime_error(origin + ": " + field + ": " + why);
}

std::vector<AclEntry> acl_from(const nlohmann::json& j, const std::string& origin,
                               const std::string& field) {
  std::vector<AclEntry> out;
  if (!j.is_array()) fail(origin, field, "must be an array of {path, privs}");
  for (size_t i = 0; i < j.size(); ++i) {
    const auto& e = j[i];
    std::string f = field + "[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("path") || !e["path"].is_string())
      fail(origin, f + ".path", "missing or not a string");
    if (!e.contains("privs") || !e["privs"].is_array())
      fail(origin, f + ".privs", "missing or not an array of privilege/role names");
    AclEntry a;
    a.path = e["path"];
    for (const auto& p : e["privs"]) {
      if (!p.is_string()) fail(origin, f + ".privs", "entries must be strings");
      a.privs.push_back(p);
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

double Timing::duration_of(const std::string& task_type) const {
  auto it = task_durations.find(task_type);
  return it == task_durations.end() ? default_task : it->second;
}

nlohmann::json Timing::to_json() const {
  return {{"resources_lag", resources_lag},
          {"default_task", default_task},
          {"task_durations", task_durations},
          {"agent_boot_delay", agent_boot_delay},
          {"clone_lock_timeout_ms", clone_lock_timeout_ms},
          {"config_lock_timeout_ms", config_lock_timeout_ms},
          {"ticket_lifetime", ticket_lifetime}};
}

void Timing::merge(const nlohmann::json& j) {
  if (!j.is_object()) throw std::runtime_error("timing: must be an object");
  auto number = [&](const char* key, double& out) {
    if (!j.contains(key)) return;
    if (!j[key].is_number() || j[key].get<double>() < 0)
      throw std::runtime_error(std::string("timing: ") + key + ": must be a number >= 0");
    out = j[key].get<double>();
  };
  auto integer = [&](const char* key, int& out) {
    if (!j.contains(key)) return;
    if (!j[key].is_number_integer() || j[key].get<int>() < 0)
      throw std::runtime_error(std::string("timing: ") + key + ": must be an integer >= 0");
    out = j[key].get<int>();
  };
  number("resources_lag", resources_lag);
  number("default_task", default_task);
  number("agent_boot_delay", agent_boot_delay);
  integer("clone_lock_timeout_ms", clone_lock_timeout_ms);
  integer("config_lock_timeout_ms", config_lock_timeout_ms);
  integer("ticket_lifetime", ticket_lifetime);
  if (j.contains("task_durations")) {
    const auto& d = j["task_durations"];
    if (!d.is_object()) throw std::runtime_error("timing: task_durations: must be an object");
    for (auto it = d.begin(); it != d.end(); ++it) {
      if (!it->is_number() || it->get<double>() < 0)
        throw std::runtime_error("timing: task_durations." + it.key() + ": must be a number >= 0");
      task_durations[it.key()] = it->get<double>();
    }
  }
  if (j.contains("all_tasks")) {  // convenience: one duration for every task type
    double all = 0;
    number("all_tasks", all);
    default_task = all;
    for (auto& [k, v] : task_durations) v = all;
  }
}

ClusterConfig ClusterConfig::default_cluster() {
  ClusterConfig c;
  for (int i = 1; i <= 3; ++i)
    c.nodes.push_back({"pve" + std::to_string(i), 8, 64ULL << 30, "10.0.0." + std::to_string(10 + i)});
  c.storages.push_back({"local", "dir", {"iso", "vztmpl", "backup", "import", "snippets"}, false, {},
                        256ULL << 30, "/var/lib/vz"});
  c.storages.push_back({"local-lvm", "lvmthin", {"images", "rootdir"}, false, {}, 512ULL << 30, ""});
  c.storages.push_back({"nfs", "nfs", {"images", "rootdir", "iso", "vztmpl", "import", "backup"}, true,
                        {}, 2048ULL << 30, "/mnt/pve/nfs"});
  c.users.push_back({"root@pam", "", {{"/", {"Administrator"}}}, {}});
  return c;
}

ClusterConfig ClusterConfig::from_json(const nlohmann::json& j, const std::string& origin) {
  if (!j.is_object()) fail(origin, "(top level)", "must be a JSON object");
  ClusterConfig c;
  c.cluster_name = j.value("cluster_name", c.cluster_name);
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) fail(origin, "seed", "must be an unsigned integer");
    c.seed = j["seed"];
  }
  if (!j.contains("nodes") || !j["nodes"].is_array() || j["nodes"].empty())
    fail(origin, "nodes", "must be a non-empty array");
  for (size_t i = 0; i < j["nodes"].size(); ++i) {
    const auto& n = j["nodes"][i];
    std::string f = "nodes[" + std::to_string(i) + "]";
    NodeDef d;
    if (n.is_string()) {
      d.name = n;
    } else if (n.is_object() && n.contains("name") && n["name"].is_string()) {
      d.name = n["name"];
      d.cpus = n.value("cpus", d.cpus);
      if (n.contains("memory_gib")) d.memory = n["memory_gib"].get<uint64_t>() << 30;
      d.ip = n.value("ip", "");
    } else {
      fail(origin, f, "must be a node name or {name, cpus, memory_gib, ip}");
    }
    if (d.name.empty()) fail(origin, f + ".name", "must not be empty");
    if (d.ip.empty()) d.ip = "10.0.0." + std::to_string(11 + i);
    c.nodes.push_back(d);
  }
  if (j.contains("storages")) {
    if (!j["storages"].is_array()) fail(origin, "storages", "must be an array");
    for (size_t i = 0; i < j["storages"].size(); ++i) {
      const auto& s = j["storages"][i];
      std::string f = "storages[" + std::to_string(i) + "]";
      StorageDef d;
      if (!s.is_object() || !s.contains("id") || !s["id"].is_string())
        fail(origin, f + ".id", "missing or not a string");
      d.id = s["id"];
      d.type = s.value("type", "");
      if (d.type != "dir" && d.type != "lvmthin" && d.type != "nfs")
        fail(origin, f + ".type", "must be one of dir, lvmthin, nfs (got '" + d.type + "')");
      if (!s.contains("content") || !s["content"].is_array())
        fail(origin, f + ".content", "must be an array of content types");
      for (const auto& ct : s["content"]) d.content.insert(ct.get<std::string>());
      d.shared = s.value("shared", d.type == "nfs");
      d.nodes = s.value("nodes", std::vector<std::string>{});
      for (const auto& n : d.nodes)
        if (std::none_of(c.nodes.begin(), c.nodes.end(), [&](auto& x) { return x.name == n; }))
          fail(origin, f + ".nodes", "unknown node '" + n + "'");
      if (s.contains("size_gib")) d.capacity = s["size_gib"].get<uint64_t>() << 30;
      d.path = s.value("path", d.type == "dir" ? "/var/lib/vz" : d.type == "nfs" ? "/mnt/pve/" + d.id : "");
      c.storages.push_back(d);
    }
  } else {
    c.storages = default_cluster().storages;
  }
  if (j.contains("bridges")) c.bridges = j["bridges"].get<std::vector<std::string>>();
  if (j.contains("users")) {
    if (!j["users"].is_array()) fail(origin, "users", "must be an array");
    for (size_t i = 0; i < j["users"].size(); ++i) {
      const auto& u = j["users"][i];
      std::string f = "users[" + std::to_string(i) + "]";
      if (!u.is_object() || !u.contains("userid") || !u["userid"].is_string() ||
          u["userid"].get<std::string>().find('@') == std::string::npos)
        fail(origin, f + ".userid", "missing or not of the form user@realm");
      UserDef d;
      d.userid = u["userid"];
      d.password = u.value("password", "");
      if (u.contains("acl")) d.acl = acl_from(u["acl"], origin, f + ".acl");
      if (u.contains("tokens")) {
        for (size_t k = 0; k < u["tokens"].size(); ++k) {
          const auto& t = u["tokens"][k];
          std::string tf = f + ".tokens[" + std::to_string(k) + "]";
          if (!t.is_object() || !t.contains("id") || !t.contains("secret"))
            fail(origin, tf, "needs id and secret");
          TokenDef td;
          td.id = t["id"];
          td.secret = t["secret"];
          td.privsep = t.value("privsep", false);
          if (t.contains("acl")) td.acl = acl_from(t["acl"], origin, tf + ".acl");
          d.tokens.push_back(td);
        }
      }
      c.users.push_back(d);
    }
  } else {
    c.users = default_cluster().users;
  }
  if (j.contains("timing")) {
    try {
      c.timing.merge(j["timing"]);
    } catch (const std::exception& e) {
      throw std::runtime_error(origin + ": " + e.what());
    }
  }
  return c;
}

void ClusterConfig::add_token(const std::string& spec) {
  size_t bang = spec.find('!');
  if (bang == std::string::npos || spec.find('@') > bang)
    throw std::runtime_error("--token: expected user@realm!tokenid=secret");
  size_t sep = spec.find_first_of("=:", bang);
  if (sep == std::string::npos || sep + 1 >= spec.size())
    throw std::runtime_error("--token: expected user@realm!tokenid=secret (no secret given)");
  std::string userid = spec.substr(0, bang);
  TokenDef t{spec.substr(bang + 1, sep - bang - 1), spec.substr(sep + 1), false, {}};
  if (t.id.empty()) throw std::runtime_error("--token: empty token id");
  for (auto& u : users) {
    if (u.userid == userid) {
      u.acl.push_back({"/", {"Administrator"}});
      u.tokens.push_back(t);
      return;
    }
  }
  users.push_back({userid, "", {{"/", {"Administrator"}}}, {t}});
}

const NodeDef* ClusterConfig::node(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const StorageDef* ClusterConfig::storage(const std::string& id) const {
  for (const auto& s : storages)
    if (s.id == id) return &s;
  return nullptr;
}

bool ClusterConfig::storage_on_node(const StorageDef& s, const std::string& node) const {
  return s.nodes.empty() || std::find(s.nodes.begin(), s.nodes.end(), node) != s.nodes.end();
}

}  // namespace sarga::pvesim
