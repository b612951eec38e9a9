#include "provider/resources/lxc/resource.h"

#include <regex>

#include <nlohmann/json.hpp>

#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"
#include "lib/pve/vmid.h"
#include "provider/resources/lxc/api.h"
#include "provider/resources/lxc/model.h"
#include "provider/resources/lxc/schema.h"
#include "provider/resources/lxc/spec.h"
#include "provider/resources/proxmox/client.h"

namespace sarga::resources::lxc {
namespace {

using framework::Model;
using std::chrono::milliseconds;
constexpr const char* kType = "sarga_lxc";
constexpr pve::GuestKind kLxc = pve::GuestKind::lxc;
const milliseconds kDefaultTimeout{600'000};

cty::Path at(const std::string& name) { return cty::Path().attribute(name); }

std::optional<milliseconds> timeout_of(const Model& m, const char* which, framework::Diagnostics& d) {
  Model t = m.get_object("timeouts");
  std::string text = t.is_null() ? "" : t.get_string(which).value_or("");
  return proxmox::duration_or(text, kDefaultTimeout, at("timeouts").attribute(which), d);
}

pve::WaitOptions wait_for(milliseconds timeout) {
  pve::WaitOptions w;
  w.timeout = timeout;
  return w;
}

std::string ssh_keys_text(const Model& m) {
  std::string out;
  for (const auto& k : m.get_strings("ssh_public_keys").value_or(std::vector<std::string>{}))
    out += k + (k.empty() || k.back() != '\n' ? "\n" : "");
  return out;
}

std::string describe(const std::string& node, int vmid) { return "CT " + std::to_string(vmid) + " on " + node; }

// Parameter names PVE reports mapped to the attributes users wrote.
std::vector<std::pair<std::string, cty::Path>> param_paths() {
  return {{"hostname", at("hostname")},   {"ostemplate", at("template")}, {"rootfs", at("rootfs")},
          {"memory", at("memory")},       {"swap", at("swap")},           {"cores", at("cores")},
          {"pool", at("pool")},           {"tags", at("tags")},           {"password", at("password")},
          {"features", at("features")},   {"vmid", at("vmid")},           {"description", at("description")},
          {"ssh-public-keys", at("ssh_public_keys")}};
}

void wait(const pve::Client& c, const std::string& upid, milliseconds timeout, const std::string& action,
          framework::Diagnostics& d) {
  pve::TaskResult r = c.wait_task(upid, wait_for(timeout));
  proxmox::add_task_warnings(d, action, r);
}

class Lxc final : public framework::Resource {
 public:
  std::string type_name() const override { return kType; }
  framework::Schema schema() const override { return lxc_schema(); }

  void validate(const framework::ValidateRequest& req, framework::Diagnostics& d) const override {
    const Model& c = req.config;
    cty::Value mps = c.get("mount_points");
    if (mps.is_known() && !mps.is_null())
      for (const auto& [slot, e] : mps.map_elements()) {
        if (!e.is_known()) continue;
        Model m(e);
        cty::Path p = at("mount_points").key(slot);
        bool storage = !m.is_null("storage"), volume = !m.is_null("volume");
        if (storage == volume && m.is_known("storage") && m.is_known("volume"))
          d.error(p, "Invalid mount point", "set exactly one of storage (a new volume) or volume (an existing one)");
        if (storage && m.is_null("size_gb"))
          d.error(p.attribute("size_gb"), "Missing size", "a mount point with storage needs size_gb");
        if (auto s = m.get_double("size_gb"); s && *s <= 0)
          d.error(p.attribute("size_gb"), "Invalid size", "size_gb must be greater than 0");
      }
    if (Model r = c.get_object("rootfs"); !r.is_null())
      if (auto s = r.get_double("size_gb"); s && *s <= 0)
        d.error(at("rootfs").attribute("size_gb"), "Invalid size", "size_gb must be greater than 0");
    cty::Value net = c.get("network");
    if (net.is_known() && !net.is_null())
      for (const auto& [name, e] : net.map_elements()) {
        if (!e.is_known()) continue;
        Model n(e);
        static const std::regex v4("(dhcp|manual|(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2})");
        static const std::regex v6("(dhcp|auto|manual|[0-9A-Fa-f:]+/\\d{1,3})");
        if (auto ip = n.get_string("ipv4"); ip && !std::regex_match(*ip, v4))
          d.error(at("network").key(name).attribute("ipv4"), "Invalid ipv4",
                  "'" + *ip + "' is not dhcp, manual or an address with prefix length (10.0.0.5/24)");
        if (auto ip = n.get_string("ipv6"); ip && !std::regex_match(*ip, v6))
          d.error(at("network").key(name).attribute("ipv6"), "Invalid ipv6",
                  "'" + *ip + "' is not dhcp, auto, manual or an address with prefix length (fd00::5/64)");
      }
    if (auto tags = c.get_strings("tags"))
      for (const auto& t : *tags)
        if (std::string why = proxmox::tag_problem(t); !why.empty()) d.error(at("tags"), "Invalid tag", why);
    if (Model r = c.get_object("vmid_range"); !r.is_null()) {
      auto from = r.get_int("from"), to = r.get_int("to");
      if (from && to && *from > *to)
        d.error(at("vmid_range"), "Invalid vmid_range", "from (" + std::to_string(*from) + ") is above to (" +
                                                            std::to_string(*to) + ")");
      if (!c.is_null("vmid"))
        d.warning(at("vmid_range"), "vmid_range is ignored", "vmid is set, so no ID is allocated");
    }
    for (const char* which : {"create", "update", "delete"})
      if (Model t = c.get_object("timeouts"); !t.is_null())
        if (auto text = t.get_string(which); text && !proxmox::parse_duration(*text))
          d.error(at("timeouts").attribute(which), "Invalid duration",
                  "'" + *text + "' is not a duration like 30s, 10m or 1h30m");
  }

  // Changes PVE cannot make in place are errors here, before anything is touched; a new
  // template or new SSH keys replace the container (they only exist at create).
  void modify_plan(const framework::ModifyPlanRequest& req, framework::ModifyPlanResponse& resp) override {
    if (resp.plan.is_null() || req.prior.is_null()) return;
    // Moved to another node outside OpenTofu (HA, a manual migration): following the
    // configuration would destroy it there and create a new one, so ask instead.
    if (auto moved = moved_from(req.prior_private); moved && req.config.is_known("node")) {
      std::string now = req.prior.get_string("node").value_or("");
      if (req.config.get_string("node") == moved && now != *moved) {
        resp.diagnostics.error(at("node"), "Container moved to another node",
                               "CT " + std::to_string(req.prior.get_int("vmid").value_or(0)) + " now runs on " + now +
                                   " (migrated outside OpenTofu, it was on " + *moved + "). Set node = \"" + now +
                                   "\" to keep it there, or migrate it back; sarga_lxc does not replace a "
                                   "migrated container.");
        return;
      }
    }
    for (const char* name : {"template", "ssh_public_keys"}) {
      cty::Value before = req.prior.get(name), after = resp.plan.get(name);
      if (!before.is_null() && (!after.is_known() || !(before == after))) resp.requires_replace.push_back(at(name));
    }
    Spec prior = spec_from_model(req.prior), planned = spec_from_model(resp.plan);
    if (!resp.plan.is_known("rootfs")) planned.rootfs = prior.rootfs;
    UpdateSteps steps = update_steps(prior, planned, {});
    for (const auto& problem : steps.problems) {
      size_t colon = problem.find(':');
      std::string where = problem.substr(0, colon);
      cty::Path path;
      size_t dot = where.find('.');
      if (where.rfind("mount_points.", 0) == 0) {
        std::string rest = where.substr(dot + 1);
        size_t dot2 = rest.find('.');
        path = at("mount_points").key(rest.substr(0, dot2));
        if (dot2 != std::string::npos) path = path.attribute(rest.substr(dot2 + 1));
      } else if (dot != std::string::npos) {
        path = at(where.substr(0, dot)).attribute(where.substr(dot + 1));
      } else {
        path = at(where);
      }
      resp.diagnostics.error(path, "Change not possible in place", problem);
    }
  }

  void create(const framework::CreateRequest& req, framework::CreateResponse& resp) override {
    auto client = proxmox::client(req.context, resp.diagnostics, kType);
    if (!client) return;
    auto timeout = timeout_of(req.plan, "create", resp.diagnostics);
    if (!timeout) return;
    std::string node = *req.plan.get_string("node");
    Spec spec = spec_from_model(req.plan);
    pve::Params params = create_params(spec);
    params.emplace_back("ostemplate", *req.plan.get_string("template"));
    if (std::string keys = ssh_keys_text(req.plan); !keys.empty()) params.emplace_back("ssh-public-keys", keys);
    if (auto pw = req.config.get_string("password")) params.emplace_back("password", *pw);
    if (auto pool = req.plan.get_string("pool")) params.emplace_back("pool", *pool);
    bool started = req.plan.get_bool("started").value_or(true);
    if (started) params.emplace_back("start", "1");

    pve::VmidPolicy policy;
    if (auto v = req.plan.get_int("vmid")) policy.fixed = static_cast<int>(*v);
    if (Model r = req.plan.get_object("vmid_range"); !r.is_null()) {
      policy.from = static_cast<int>(r.get_int("from").value_or(100));
      policy.to = static_cast<int>(r.get_int("to").value_or(999999999));
      policy.random = r.get_bool("random").value_or(false);
    }
    pve::Guests guests(*client);
    int vmid = 0;
    std::string upid;
    try {
      vmid = pve::create_with_free_vmid(
          *client, policy, [&](int id) { return guests.create(node, kLxc, id, params); }, &upid);
    } catch (const pve::Error& e) {
      proxmox::add_error(resp.diagnostics, "creating a container on " + node, e, param_paths());
      return;
    }
    // From here on the container exists: any error leaves it in the state as tainted.
    resp.created = true;
    resp.state.set_string("id", proxmox::guest_id(node, vmid));
    resp.state.set_int("vmid", vmid);
    std::string action = "creating " + describe(node, vmid);
    try {
      wait(*client, upid, *timeout, action, resp.diagnostics);
      LiveConfig live = fetch_config(*client, node, vmid);
      bool running = fetch_status(*client, node, vmid) == "running";
      write_live(resp.state, spec_from_config(live.values), vmid, running);
    } catch (const pve::Error& e) {
      proxmox::add_error(resp.diagnostics, action, e, param_paths());
    } catch (const std::exception& e) {
      resp.diagnostics.error("Unexpected answer while " + action, e.what());
    }
  }

  void read(const framework::ReadRequest& req, framework::ReadResponse& resp) override {
    auto client = proxmox::client(req.context, resp.diagnostics, kType);
    if (!client) return;
    auto id = proxmox::parse_guest_id(req.state.get_string("id").value_or(""));
    if (!id) {
      resp.diagnostics.error(at("id"), "Invalid id", "expected node/vmid, got '" +
                                                         req.state.get_string("id").value_or("") + "'");
      return;
    }
    auto [node, vmid] = *id;
    try {
      LiveConfig live;
      try {
        live = fetch_config(*client, node, vmid);
      } catch (const pve::Error& e) {
        if (e.kind() != pve::ErrorKind::not_found) throw;
        // Not on its node: migrated (HA or by hand), or gone.
        auto where = client->guest_index().locate(*client, vmid, node);
        if (!where) return resp.mark_gone();
        resp.private_data = nlohmann::json{{"moved_from", node}}.dump();
        node = *where;
        live = fetch_config(*client, node, vmid);
      }
      bool running = fetch_status(*client, node, vmid) == "running";
      resp.state.set_string("node", node);
      resp.state.set_string("id", proxmox::guest_id(node, vmid));
      resp.state.set_int("vmid", vmid);
      write_live(resp.state, spec_from_config(live.values), vmid, running);
    } catch (const pve::Error& e) {
      if (e.kind() == pve::ErrorKind::not_found) return resp.mark_gone();
      proxmox::add_error(resp.diagnostics, "reading " + describe(node, vmid), e);
    } catch (const std::exception& e) {
      resp.diagnostics.error("Cannot read " + describe(node, vmid), e.what());
    }
  }

  void update(const framework::UpdateRequest& req, framework::UpdateResponse& resp) override {
    auto client = proxmox::client(req.context, resp.diagnostics, kType);
    if (!client) return;
    auto timeout = timeout_of(req.plan, "update", resp.diagnostics);
    if (!timeout) return;
    auto id = proxmox::parse_guest_id(req.prior.get_string("id").value_or(""));
    if (!id) return resp.diagnostics.error(at("id"), "Invalid id", "expected node/vmid in the state");
    auto [node, vmid] = *id;
    std::string action = "updating " + describe(node, vmid);
    pve::Guests guests(*client);
    resp.private_data.clear();  // a recorded move is settled once the configuration follows it
    try {
      Spec prior = spec_from_model(req.prior), planned = spec_from_model(req.plan);
      LiveConfig live = fetch_config(*client, node, vmid);
      UpdateSteps steps = update_steps(prior, planned, live.values);
      if (!steps.problems.empty()) {
        for (const auto& p : steps.problems) resp.diagnostics.error("Change not possible in place", p);
        return;
      }
      if (steps.protection_off_first)
        guests.update_config(node, kLxc, vmid, {{"protection", "0"}}, {}, wait_for(*timeout));
      // The digest guards against a change made between our read and this write; the
      // protection call above already moved it on.
      std::string digest = steps.protection_off_first ? std::string() : live.digest;
      if (!steps.set.empty()) guests.update_config(node, kLxc, vmid, steps.set, digest, wait_for(*timeout));
      for (const auto& [disk, size] : steps.resizes)
        if (auto upid = guests.resize(node, kLxc, vmid, disk, size))
          wait(*client, *upid, *timeout, "resizing " + disk + " of " + describe(node, vmid), resp.diagnostics);

      std::string pool_before = req.prior.get_string("pool").value_or("");
      std::string pool_after = req.plan.get_string("pool").value_or("");
      if (pool_before != pool_after) set_pool(*client, vmid, pool_before, pool_after);

      bool running = fetch_status(*client, node, vmid) == "running";
      bool want_running = req.plan.get_bool("started").value_or(true);
      if (want_running && !running) {
        wait(*client, guests.start(node, kLxc, vmid), *timeout, "starting " + describe(node, vmid), resp.diagnostics);
      } else if (!want_running && running) {
        wait(*client, guests.shutdown(node, kLxc, vmid, std::chrono::seconds(60), true), *timeout,
             "shutting down " + describe(node, vmid), resp.diagnostics);
      } else if (running) {
        apply_pending(*client, guests, node, vmid, req.plan, *timeout, resp.diagnostics);
      }
      LiveConfig after = fetch_config(*client, node, vmid);
      bool now_running = fetch_status(*client, node, vmid) == "running";
      write_live(resp.state, spec_from_config(after.values), vmid, now_running);
    } catch (const pve::Error& e) {
      proxmox::add_error(resp.diagnostics, action, e, param_paths());
    } catch (const std::exception& e) {
      resp.diagnostics.error("Unexpected answer while " + action, e.what());
    }
  }

  void destroy(const framework::DeleteRequest& req, framework::DeleteResponse& resp) override {
    auto client = proxmox::client(req.context, resp.diagnostics, kType);
    if (!client) return;
    auto timeout = timeout_of(req.state, "delete", resp.diagnostics);
    if (!timeout) return;
    auto id = proxmox::parse_guest_id(req.state.get_string("id").value_or(""));
    if (!id) return resp.diagnostics.error(at("id"), "Invalid id", "expected node/vmid in the state");
    auto [node, vmid] = *id;
    std::string action = "destroying " + describe(node, vmid);
    pve::Guests guests(*client);
    try {
      LiveConfig live = fetch_config(*client, node, vmid);
      if (auto p = live.values.find("protection"); p != live.values.end() && p->second == "1") {
        resp.diagnostics.error(at("protection"), "Container is protected",
                               describe(node, vmid) + " has protection enabled: set protection = false and apply "
                                                      "before destroying it");
        return;
      }
      if (fetch_status(*client, node, vmid) == "running")
        wait(*client, guests.stop(node, kLxc, vmid), *timeout, "stopping " + describe(node, vmid), resp.diagnostics);
      wait(*client, guests.destroy(node, kLxc, vmid, true), *timeout, action, resp.diagnostics);
    } catch (const pve::Error& e) {
      if (e.kind() == pve::ErrorKind::not_found) return;  // already gone
      proxmox::add_error(resp.diagnostics, action, e);
    }
  }

  void import_state(const framework::ImportRequest& req, framework::ImportResponse& resp) override {
    auto id = proxmox::parse_guest_id(req.id);
    if (!id) {
      resp.diagnostics.error("Invalid import id", "import sarga_lxc by node/vmid, e.g. pve1/120 (got '" + req.id + "')");
      return;
    }
    resp.state.set_string("id", proxmox::guest_id(id->first, id->second));
    resp.state.set_string("node", id->first);
    resp.state.set_int("vmid", id->second);
    resp.state.set_bool("reboot_after_update", true);
    // Pool membership is not in the container config: take it from the cluster index.
    auto client = proxmox::client(req.context, resp.diagnostics, kType);
    if (!client) return;
    try {
      if (auto entry = client->guest_index().entry(*client, id->second); entry && !entry->pool.empty())
        resp.state.set_string("pool", entry->pool);
    } catch (const pve::Error& e) {
      proxmox::add_error(resp.diagnostics, "looking up CT " + std::to_string(id->second), e);
    }
  }

 private:
  // The node read() last found the container missing from (it moved), if any.
  static std::optional<std::string> moved_from(const std::string& private_data) {
    if (private_data.empty()) return std::nullopt;
    auto j = nlohmann::json::parse(private_data, nullptr, false);
    if (!j.is_object() || !j.contains("moved_from") || !j["moved_from"].is_string()) return std::nullopt;
    return j["moved_from"].get<std::string>();
  }

  // Applies what PVE left pending on a running container (features, a mount point it could
  // not hot-plug) by restarting it, or warns when the configuration says not to.
  static void apply_pending(const pve::Client& client, const pve::Guests& guests, const std::string& node, int vmid,
                            const Model& plan, milliseconds timeout, framework::Diagnostics& d) {
    std::vector<std::string> keys = pending_keys(client, node, vmid);
    if (keys.empty()) return;
    std::string list;
    for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
    if (!plan.get_bool("reboot_after_update").value_or(true)) {
      d.warning("Changes wait for a restart",
                describe(node, vmid) + " keeps running with pending changes to " + list +
                    "; they apply at its next restart (reboot_after_update = false)");
      return;
    }
    wait(client, guests.reboot(node, kLxc, vmid), timeout, "restarting " + describe(node, vmid) + " to apply " + list,
         d);
  }
};

}  // namespace

std::unique_ptr<framework::Resource> make_resource() { return std::make_unique<Lxc>(); }

}  // namespace sarga::resources::lxc
