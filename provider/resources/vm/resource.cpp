#include "provider/resources/vm/resource.h"

#include <set>

#include "lib/pve/cluster.h"
#include "lib/pve/vmid.h"
#include "provider/resources/proxmox/client.h"
#include "provider/resources/vm/clone_queue.h"
#include "provider/resources/vm/schema.h"
#include "provider/resources/vm/validate.h"
#include "provider/resources/vm/vm_api.h"

namespace sarga::resources::vm {
namespace {

using std::chrono::milliseconds;
constexpr auto kQemu = pve::GuestKind::qemu;
constexpr milliseconds kDefaultTimeout{10 * 60 * 1000};
constexpr const char* kWho = "sarga_vm";

// PVE parameter names -> the attribute a 400 about them points at.
std::vector<std::pair<std::string, cty::Path>> param_paths(const Vm& vm) {
  std::vector<std::pair<std::string, cty::Path>> out = {
      {"name", cty::Path().attribute("name")},
      {"description", cty::Path().attribute("description")},
      {"tags", cty::Path().attribute("tags")},
      {"pool", cty::Path().attribute("pool")},
      {"cores", cty::Path().attribute("cpu").attribute("cores")},
      {"sockets", cty::Path().attribute("cpu").attribute("sockets")},
      {"cpu", cty::Path().attribute("cpu").attribute("type")},
      {"memory", cty::Path().attribute("memory").attribute("dedicated")},
      {"balloon", cty::Path().attribute("memory").attribute("balloon")},
      {"efidisk0", cty::Path().attribute("efi_disk")},
      {"startup", cty::Path().attribute("startup")},
      {"storage", cty::Path().attribute("clone").attribute("target_storage")},
      {"ciuser", cty::Path().attribute("cloud_init").attribute("user")},
      {"sshkeys", cty::Path().attribute("cloud_init").attribute("ssh_keys")},
      {"nameserver", cty::Path().attribute("cloud_init").attribute("dns_servers")},
      {"searchdomain", cty::Path().attribute("cloud_init").attribute("search_domain")},
  };
  if (vm.disks)
    for (const auto& [slot, _] : *vm.disks) out.emplace_back(slot, cty::Path().attribute("disks").key(slot));
  if (vm.network)
    for (const auto& [slot, _] : *vm.network) out.emplace_back(slot, cty::Path().attribute("network").key(slot));
  if (vm.hostpci)
    for (const auto& [slot, _] : *vm.hostpci) out.emplace_back(slot, cty::Path().attribute("hostpci").key(slot));
  if (vm.cloud_init) {
    out.emplace_back(vm.cloud_init->interface.value_or("ide2"), cty::Path().attribute("cloud_init"));
    if (vm.cloud_init->ipconfig)
      for (const auto& [nic, _] : *vm.cloud_init->ipconfig)
        if (nic.size() > 3)
          out.emplace_back("ipconfig" + nic.substr(3),
                           cty::Path().attribute("cloud_init").attribute("ipconfig").key(nic));
  }
  return out;
}

std::optional<milliseconds> timeout_of(const Vm& vm, const char* which, framework::Diagnostics& diags) {
  std::string text;
  if (vm.timeouts) {
    const opt<std::string>& t = std::string(which) == "create" ? vm.timeouts->create
                                : std::string(which) == "update" ? vm.timeouts->update
                                                                 : vm.timeouts->del;
    text = t.value_or("");
  }
  return proxmox::duration_or(text, kDefaultTimeout, cty::Path().attribute("timeouts").attribute(which), diags);
}

void report(const std::vector<Problem>& problems, framework::Diagnostics& diags) {
  for (const auto& p : problems) diags.error(p.path, p.summary, p.detail);
}

// The write-only password lives only in the config.
Vm desired_from(const framework::Model& plan, const framework::Model& config) {
  Vm want = from_value(plan.value());
  Vm cfg = from_value(config.value());
  if (want.cloud_init && cfg.cloud_init) want.cloud_init->password = cfg.cloud_init->password;
  return want;
}

pve::VmidPolicy vmid_policy(const Vm& vm) {
  pve::VmidPolicy p;
  if (vm.vmid) p.fixed = static_cast<int>(*vm.vmid);
  if (vm.vmid_range) {
    p.from = static_cast<int>(vm.vmid_range->from.value_or(100));
    p.to = static_cast<int>(vm.vmid_range->to.value_or(999'999'999));
    p.random = vm.vmid_range->random.value_or(false);
  }
  return p;
}

struct Source {
  std::string node;
  int vmid = 0;
};

Source resolve_source(pve::Client& client, const Clone& clone) {
  pve::GuestIndex& index = client.guest_index();
  if (clone.source_vmid) {
    Source s{clone.source_node.value_or(""), static_cast<int>(*clone.source_vmid)};
    if (s.node.empty()) {
      auto node = index.locate(client, s.vmid);
      if (!node) throw pve::Error(pve::ErrorKind::not_found, 404, "clone source VM " + std::to_string(s.vmid) + " not found in the cluster");
      s.node = *node;
    }
    return s;
  }
  std::string name = clone.source_name.value_or("");
  auto found = index.find(client, kQemu, name, {});
  // Not in the (lagging) index: a template made moments ago; the nodes' own lists know it.
  if (found.empty()) found = pve::find_live(client, kQemu, name, {}, clone.source_node.value_or(""));
  if (clone.source_node) {
    std::erase_if(found, [&](const pve::GuestEntry& e) { return e.node != *clone.source_node; });
  }
  if (found.size() != 1) {
    std::string ids;
    for (const auto& e : found) ids += (ids.empty() ? "" : ", ") + std::to_string(e.vmid) + " on " + e.node;
    throw pve::Error(pve::ErrorKind::not_found, 404,
                     "clone.source_name \"" + name + "\" matches " + std::to_string(found.size()) +
                         " VMs" + (ids.empty() ? std::string() : " (" + ids + ")") + "; exactly one must match");
  }
  return {found[0].node, found[0].vmid};
}

class VmResource final : public framework::Resource {
 public:
  std::string type_name() const override { return kWho; }
  framework::Schema schema() const override { return resource_schema(); }

  void validate(const framework::ValidateRequest& req, framework::Diagnostics& diags) const override {
    validate_config(req.config, diags);
  }

  void modify_plan(const framework::ModifyPlanRequest& req, framework::ModifyPlanResponse& resp) override {
    if (resp.plan.is_null()) return;
    auto node = resp.plan.get_string("node");
    auto vmid = resp.plan.get_int("vmid");
    if (req.prior.is_null()) {
      if (node && vmid) resp.plan.set_string("id", proxmox::guest_id(*node, static_cast<int>(*vmid)));
      return;
    }
    if (!node_change_allowed(req, resp)) return;
    check_plan_against_state(from_value(req.prior.value()), resp.plan, resp.diagnostics);
    if (req.prior.get_bool("template").value_or(false) && resp.plan.get_bool("template") == false)
      resp.requires_replace.push_back(cty::Path().attribute("template"));
  }

  // A node that differs from where the VM runs (an HA or manual migration the config does
  // not follow yet, or an edited `node`) would re-create the VM and lose its disks; until
  // sarga_vm migrates, the plan stops and says how to proceed. An unknown node can only be
  // judged at apply, so it still plans a replacement.
  static bool node_change_allowed(const framework::ModifyPlanRequest& req, framework::ModifyPlanResponse& resp) {
    if (!resp.plan.is_known("node")) {
      resp.requires_replace.push_back(cty::Path().attribute("node"));
      return true;
    }
    auto runs_on = req.prior.get_string("node");
    auto wanted = resp.plan.get_string("node");
    if (!runs_on || !wanted || *runs_on == *wanted) return true;
    std::string vm = "VM " + std::to_string(req.prior.get_int("vmid").value_or(0));
    resp.diagnostics.error(cty::Path().attribute("node"), "VM runs on another node",
                           vm + " runs on " + *runs_on + ", the configuration says " + *wanted +
                               ". sarga_vm does not migrate VMs yet, and re-creating it would lose its disks. "
                               "Set node = \"" + *runs_on + "\" to follow a migration made in Proxmox (HA or "
                               "qm migrate), migrate it there first, or re-create it deliberately with "
                               "tofu apply -replace.");
    return false;
  }

  void create(const framework::CreateRequest& req, framework::CreateResponse& resp) override {
    auto& diags = resp.diagnostics;
    Vm want = desired_from(req.plan, req.config);
    auto budget = timeout_of(want, "create", diags);
    auto client = proxmox::client(req.context, diags, kWho);
    if (!budget || !client) return;
    VmApi api(client, want.node.value_or(""), 0, Deadline(*budget));
    std::string action = "creating a VM on " + api.node();
    try {
      std::string upid;
      int vmid = 0;
      if (want.clone) {
        vmid = clone(api, want, diags, upid);
        if (!vmid) return;
      } else {
        std::vector<Problem> problems;
        ConfigChange ch = config_changes(want, Vm{}, pve::GuestConfig{}, problems);
        if (!problems.empty()) return report(problems, diags);
        pve::Params params = ch.set;
        if (want.pool) params.emplace_back("pool", *want.pool);
        vmid = pve::create_with_free_vmid(
            *client, vmid_policy(want),
            [&](int id) { return api.guests().create(api.node(), kQemu, id, params); }, &upid);
      }
      api.set_vmid(vmid);
      action = "creating VM " + std::to_string(vmid) + " on " + api.node();
      // From here on the VM exists: report it even if a later step fails (tainted).
      resp.created = true;
      resp.state.set_string("id", proxmox::guest_id(api.node(), vmid));
      resp.state.set_int("vmid", vmid);
      try {
        api.wait(upid, action, diags);
      } catch (const pve::Error& e) {
        if (e.kind() == pve::ErrorKind::task_failed && !exists(api)) resp.created = false;  // PVE undid it
        throw;
      }
      configure_new(api, want, diags);
      if (diags.has_errors()) return;
      AgentRead agent;
      Vm actual = api.read_state(want, false, std::nullopt, &agent);
      if (want.started.value_or(true) && !want.template_.value_or(false) && want.agent &&
          want.agent->enabled.value_or(false) && want.agent->wait_for_ip) {
        auto wait = proxmox::duration_or(want.agent->wait_for_ip->timeout.value_or("5m"), milliseconds(300'000),
                                         cty::Path().attribute("agent").attribute("wait_for_ip").attribute("timeout"), diags);
        if (!wait) return;
        Addresses a = api.wait_for_ip(want.agent->wait_for_ip->family.value_or("any"), *wait, diags);
        actual.ipv4_addresses = a.ipv4;
        actual.ipv6_addresses = a.ipv6;
        agent.seen = a.ipv4.empty() && a.ipv6.empty() ? std::nullopt : agent.current;
      }
      resp.private_data = encode_private(agent.seen);
      set_state(resp.state, actual);
    } catch (const pve::Error& e) {
      proxmox::add_error(diags, action, e, param_paths(want));
    }
  }

  void read(const framework::ReadRequest& req, framework::ReadResponse& resp) override {
    Vm prior = from_value(req.state.value());
    auto where = location(prior);
    if (!where) {
      resp.diagnostics.error("Invalid sarga_vm state", "the state has no node/vmid; import the VM again with node/vmid");
      return;
    }
    auto client = proxmox::client(req.context, resp.diagnostics, kWho);
    if (!client) return;
    VmApi api(client, where->first, where->second, Deadline(milliseconds(120'000)));
    bool importing = !prior.started.has_value();  // an import stub: every attribute is null
    try {
      auto cfg = find(api);
      if (!cfg) return resp.mark_gone();
      // Addresses of a VM still in the boot they were read in are kept: no agent call.
      AgentRead agent{.reuse = true, .prior = decode_private(req.private_data)};
      Vm state = api.read_state(prior, importing, std::move(cfg), &agent);
      resp.private_data = encode_private(agent.seen);
      if (importing) {
        if (auto entry = client->guest_index().entry(*client, api.vmid()); entry && !entry->pool.empty())
          state.pool = entry->pool;
      }
      resp.state = framework::Model(to_value(state, state_type()));
    } catch (const pve::Error& e) {
      proxmox::add_error(resp.diagnostics, "reading VM " + std::to_string(where->second), e);
    }
  }

  void update(const framework::UpdateRequest& req, framework::UpdateResponse& resp) override {
    auto& diags = resp.diagnostics;
    Vm want = desired_from(req.plan, req.config);
    Vm prior = from_value(req.prior.value());
    auto budget = timeout_of(want, "update", diags);
    auto where = location(prior);
    auto client = proxmox::client(req.context, diags, kWho);
    if (!budget || !client || !where) return;
    VmApi api(client, where->first, where->second, Deadline(*budget));
    std::string action = "updating VM " + std::to_string(api.vmid());
    try {
      pve::GuestConfig cfg = api.config();
      pve::GuestStatus st = api.status();
      bool running = st.status == "running";
      // The write-only password cannot be compared: send it again only with other cloud-init
      // changes (PVE stores a new salted hash each time, a pending change and a reboot).
      if (want.cloud_init && want.cloud_init->password) {
        CloudInit a = *want.cloud_init, b = prior.cloud_init.value_or(CloudInit{});
        a.password.reset();
        b.password.reset();
        if (prior.cloud_init && a == b) want.cloud_init->password.reset();
      }
      std::vector<Problem> problems;
      ConfigChange ch = config_changes(want, prior, cfg, problems);
      if (!problems.empty()) return report(problems, diags);
      api.apply(ch, cfg.digest, diags);
      if (want.pool != prior.pool) api.set_pool(prior.pool, want.pool);
      bool to_template = want.template_.value_or(false) && !prior.template_.value_or(false);
      if (to_template) {
        if (running) api.stop(diags);
        api.make_template(diags);
        running = false;
      } else if (!want.template_.value_or(false)) {
        bool want_running = want.started.value_or(true);
        if (!want_running && running) {
          api.shutdown(diags);
        } else if (want_running && !running) {
          api.start(diags);
        } else if (running && want.reboot_after_update.value_or(true)) {
          pve::GuestConfig after = api.config(true);
          if (!after.pending.empty() || !after.pending_delete.empty() || ch.seed_swapped) api.reboot(diags);
        }
      }
      if (diags.has_errors()) return;
      AgentRead agent;
      Vm actual = api.read_state(want, false, std::nullopt, &agent);
      resp.private_data = encode_private(agent.seen);
      set_state(resp.state, actual);
    } catch (const pve::Error& e) {
      proxmox::add_error(diags, action, e, param_paths(want));
    }
  }

  void destroy(const framework::DeleteRequest& req, framework::DeleteResponse& resp) override {
    Vm prior = from_value(req.state.value());
    auto budget = timeout_of(prior, "delete", resp.diagnostics);
    auto where = location(prior);
    auto client = proxmox::client(req.context, resp.diagnostics, kWho);
    if (!budget || !client || !where) return;
    VmApi api(client, where->first, where->second, Deadline(*budget));
    try {
      if (!find(api)) return;  // already gone
      pve::GuestStatus st = api.status();
      if (st.status == "running") api.stop(resp.diagnostics);  // hard: an absent agent cannot block it
      api.wait(api.guests().destroy(api.node(), kQemu, api.vmid(), true),
               "destroying VM " + std::to_string(api.vmid()), resp.diagnostics);
    } catch (const pve::Error& e) {
      if (e.kind() == pve::ErrorKind::not_found) return;
      proxmox::add_error(resp.diagnostics, "destroying VM " + std::to_string(api.vmid()) + " on " + api.node(), e);
    }
  }

  void import_state(const framework::ImportRequest& req, framework::ImportResponse& resp) override {
    auto id = proxmox::parse_guest_id(req.id);
    if (!id) {
      resp.diagnostics.error("Invalid import id", "import sarga_vm with node/vmid, e.g. pve1/104 (got \"" + req.id + "\")");
      return;
    }
    resp.state.set_string("id", proxmox::guest_id(id->first, id->second));
    resp.state.set_string("node", id->first);
    resp.state.set_int("vmid", id->second);
  }

 private:
  static std::optional<std::pair<std::string, int>> location(const Vm& vm) {
    if (vm.node && vm.vmid) return std::make_pair(*vm.node, static_cast<int>(*vm.vmid));
    if (vm.id) return proxmox::parse_guest_id(*vm.id);
    return std::nullopt;
  }

  static bool exists(const VmApi& api) {
    try {
      api.status();
      return true;
    } catch (const pve::Error& e) {
      if (e.kind() == pve::ErrorKind::not_found) return false;
      return true;  // unknown: assume it exists so that it is not orphaned
    }
  }

  // Finds the VM on its node, or (moved by HA or by hand) wherever the cluster index says;
  // points `api` at that node. False when it is nowhere.
  // Returns its config (the first of the two reads a refresh makes); nullopt when gone.
  static std::optional<pve::GuestConfig> find(VmApi& api) {
    try {
      return api.config();
    } catch (const pve::Error& e) {
      if (e.kind() != pve::ErrorKind::not_found) throw;
    }
    auto node = api.client().guest_index().locate(api.client(), api.vmid(), api.node());
    if (!node || *node == api.node()) return std::nullopt;
    api.set_node(*node);
    try {
      return api.config();
    } catch (const pve::Error& e) {
      if (e.kind() == pve::ErrorKind::not_found) return std::nullopt;
      throw;
    }
  }

  static void set_state(framework::Model& state, const Vm& actual) {
    state = framework::Model(fill_unknowns(state.value(), to_value(actual, state_type())));
  }

  static const cty::Type& state_type() {
    static const cty::Type type = resource_schema().implied_type();
    return type;
  }

  // Clone (queued per source, retried on lock timeouts); returns the new VMID (0 on a
  // reported error) and the clone task in `upid`.
  static int clone(VmApi& api, const Vm& want, framework::Diagnostics& diags, std::string& upid) {
    const Clone& c = *want.clone;
    Source src = resolve_source(api.client(), c);
    // Refuse a shrink before anything exists.
    bool exclusive_source = false;
    {
      pve::GuestConfig source_cfg = api.guests().config(src.node, kQemu, src.vmid);
      // PVE locks a template or stopped source shared (parallel clones are fine) and a
      // running one exclusively (1 s timeout): only those clones queue here.
      if (source_cfg.get("template").value_or("0") != "1")
        exclusive_source = api.guests().status(src.node, kQemu, src.vmid).status == "running";
      std::vector<Problem> problems;
      Vm sizes_only;
      if (want.disks) {
        sizes_only.disks.emplace();
        for (const auto& [slot, d] : *want.disks) (*sizes_only.disks)[slot].size_gb = d.size_gb;
      }
      config_changes(sizes_only, Vm{}, source_cfg, problems);
      std::erase_if(problems, [](const Problem& p) { return p.summary != "Disks cannot shrink"; });
      if (!problems.empty()) {
        report(problems, diags);
        return 0;
      }
    }
    pve::Params params;
    if (want.name) params.emplace_back("name", *want.name);
    bool full = c.full.value_or(true);
    params.emplace_back("full", full ? "1" : "0");
    if (api.node() != src.node) params.emplace_back("target", api.node());
    if (c.target_storage) params.emplace_back("storage", *c.target_storage);
    if (want.pool) params.emplace_back("pool", *want.pool);
    std::unique_lock<std::mutex> turn;
    if (exclusive_source) {
      turn = queue_clone(src.vmid, [&](milliseconds d) { return api.client().sleep_for(d); });
      if (!turn.owns_lock()) throw pve::Error(pve::ErrorKind::cancelled, 0, "waiting for the clone queue: cancelled");
    }
    int vmid = 0;
    try {
      vmid = pve::create_with_free_vmid(
          api.client(), vmid_policy(want),
          [&](int id) { return api.guests().clone(src.node, kQemu, src.vmid, id, params); }, &upid);
    } catch (const pve::Error& e) {
      if (std::string(e.what()).find("uses local storage") == std::string::npos) throw;
      diags.error(cty::Path().attribute("clone"), "Clone to another node needs shared storage",
                  "clone source VM " + std::to_string(src.vmid) + " is on " + src.node + "; Proxmox clones to node " +
                      api.node() + " only when all the source's disks and cdroms are on shared storage (" + e.what() +
                      "). Keep the template on shared storage (clone.target_storage may then be local), or "
                      "create the VM on " + src.node + ".");
      return 0;
    }
    // Hold the turn until the clone task ends: PVE keeps the source locked that long.
    api.set_vmid(vmid);
    try {
      api.client().wait_task(upid, pve::WaitOptions{api.deadline().left()});
    } catch (...) {
      // wait again in create() to report the failure uniformly
    }
    return vmid;
  }

  // After create/clone: the rest of the config in one call, disk growth, template, start.
  static void configure_new(VmApi& api, const Vm& want, framework::Diagnostics& diags) {
    pve::GuestConfig cfg = api.config();
    std::vector<Problem> problems;
    ConfigChange ch = config_changes(want, Vm{}, cfg, problems);
    if (!problems.empty()) return report(problems, diags);
    api.apply(ch, cfg.digest, diags);
    if (want.template_.value_or(false)) {
      api.make_template(diags);
    } else if (want.started.value_or(true)) {
      api.start(diags);
    }
  }
};

}  // namespace

std::unique_ptr<framework::Resource> make_resource() { return std::make_unique<VmResource>(); }

}  // namespace sarga::resources::vm
