// version, cluster status/resources/nextid, nodes, node status and network, storage config.
#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/router.h"

namespace sarga::pvesim {

namespace {

nlohmann::json version(SimCore&, Call&) {
  return {{"version", "9.1.3"}, {"release", "9.1"}, {"repoid", "0f2e4c1d"}, {"console", "xtermjs"}};
}

nlohmann::json cluster_status(SimCore& core, Call&) {
  nlohmann::json out = nlohmann::json::array();
  out.push_back({{"type", "cluster"}, {"id", "cluster"}, {"name", core.config.cluster_name},
                 {"nodes", core.config.nodes.size()}, {"quorate", 1}, {"version", 3}});
  int id = 1;
  for (const auto& n : core.config.nodes) {
    out.push_back({{"type", "node"}, {"id", "node/" + n.name}, {"name", n.name}, {"ip", n.ip},
                   {"nodeid", id}, {"local", id == 1 ? 1 : 0}, {"online", 1}, {"level", ""}});
    ++id;
  }
  return out;
}

nlohmann::json cluster_resources(SimCore& core, Call& call) {
  return core.resources(call.str("type"));
}

nlohmann::json cluster_nextid(SimCore& core, Call& call) {
  std::shared_lock lk(core.mutex);
  if (call.has("vmid")) {
    int vmid = static_cast<int>(call.integer("vmid"));
    if (core.guests.count(vmid)) throw param_error("vmid", "VM " + std::to_string(vmid) + " already exists");
    return std::to_string(vmid);  // PVE answers the free ID as a string
  }
  return std::to_string(core.next_free_vmid());
}

nlohmann::json nodes(SimCore& core, Call&) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& n : core.config.nodes)
    out.push_back({{"node", n.name}, {"status", "online"}, {"type", "node"}, {"id", "node/" + n.name},
                   {"cpu", 0.02}, {"maxcpu", n.cpus}, {"mem", 4ULL << 30}, {"maxmem", n.memory},
                   {"disk", 8ULL << 30}, {"maxdisk", 100ULL << 30},
                   {"uptime", core.wall() - static_cast<long>(core.boot_wall())}, {"level", ""},
                   {"ssl_fingerprint", ""}});
  return out;
}

nlohmann::json node_index(SimCore& core, Call& call) {
  core.node_or_throw(call.str("node"));
  nlohmann::json out = nlohmann::json::array();
  for (const char* sub : {"qemu", "lxc", "storage", "tasks", "network", "status", "version"})
    out.push_back({{"name", sub}});
  return out;
}

nlohmann::json node_status(SimCore& core, Call& call) {
  const NodeDef& n = core.node_or_throw(call.str("node"));
  return {{"uptime", core.wall() - static_cast<long>(core.boot_wall())},
          {"cpu", 0.02},
          {"loadavg", {"0.10", "0.08", "0.05"}},
          {"memory", {{"total", n.memory}, {"used", 4ULL << 30}, {"free", n.memory - (4ULL << 30)}}},
          {"cpuinfo", {{"cpus", n.cpus}, {"cores", n.cpus}, {"sockets", 1}, {"model", "pve-sim virtual CPU"}}},
          {"pveversion", "pve-manager/9.1.3/0f2e4c1d"},
          {"kversion", "Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC"},
          {"rootfs", {{"total", 100ULL << 30}, {"used", 8ULL << 30}, {"avail", 92ULL << 30}}}};
}

nlohmann::json node_version(SimCore& core, Call& call) {
  core.node_or_throw(call.str("node"));
  return {{"version", "9.1.3"}, {"release", "9.1"}, {"repoid", "0f2e4c1d"}};
}

nlohmann::json node_network(SimCore& core, Call& call) {
  const NodeDef& n = core.node_or_throw(call.str("node"));
  std::string type = call.str("type");
  nlohmann::json out = nlohmann::json::array();
  int i = 0;
  for (const auto& br : core.config.bridges) {
    if (!type.empty() && type != "bridge" && type != "any_bridge") continue;
    nlohmann::json e = {{"iface", br}, {"type", "bridge"}, {"active", 1}, {"autostart", 1},
                        {"bridge_ports", "eno" + std::to_string(++i)}, {"bridge_stp", "off"},
                        {"bridge_fd", "0"}, {"method", "static"}, {"families", {"inet"}}};
    if (i == 1) {
      e["cidr"] = n.ip + "/24";
      e["address"] = n.ip;
      e["netmask"] = "24";
    }
    out.push_back(e);
  }
  return out;
}

nlohmann::json storage_index(SimCore& core, Call& call) {
  std::string type = call.str("type");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : core.config.storages) {
    if (!type.empty() && s.type != type) continue;
    std::string content;
    for (const auto& c : s.content) content += (content.empty() ? "" : ",") + c;
    nlohmann::json e = {{"storage", s.id}, {"type", s.type}, {"content", content},
                        {"shared", s.shared ? 1 : 0}, {"digest", sha1_hex(s.id + content)}};
    if (!s.path.empty()) e["path"] = s.path;
    if (!s.nodes.empty()) {
      std::string nodes;
      for (const auto& n : s.nodes) nodes += (nodes.empty() ? "" : ",") + n;
      e["nodes"] = nodes;
    }
    if (s.type == "lvmthin") {
      e["vgname"] = "pve";
      e["thinpool"] = "data";
    }
    if (s.type == "nfs") {
      e["server"] = "127.0.0.1";
      e["export"] = "/export/" + s.id;
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace

void register_cluster_handlers(Router& r) {
  r.add("GET", "/version", version);
  r.add("GET", "/cluster/status", cluster_status);
  r.add("GET", "/cluster/resources", cluster_resources);
  r.add("GET", "/cluster/nextid", cluster_nextid);
  r.add("GET", "/nodes", nodes);
  r.add("GET", "/nodes/{node}", node_index);
  r.add("GET", "/nodes/{node}/status", node_status);
  r.add("GET", "/nodes/{node}/version", node_version);
  r.add("GET", "/nodes/{node}/network", node_network);
  r.add("GET", "/storage", storage_index);
}

}  // namespace sarga::pvesim
