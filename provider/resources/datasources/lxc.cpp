// Data source sarga_lxc: one container by vmid (located through the cluster index, or the
// nodes' own lists when the index does not know it yet, then read from its node) or by name
// and/or tags (searched in the nodes' own container lists: no /cluster/resources lag).
#include <algorithm>

#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"
#include "provider/framework/validators.h"
#include "provider/resources/datasources/data_sources.h"
#include "provider/resources/lxc/api.h"
#include "provider/resources/lxc/spec.h"
#include "provider/resources/proxmox/client.h"

namespace sarga::resources::datasources {
namespace {

using framework::Attribute;
using framework::Model;

cty::Path at(const char* name) { return cty::Path().attribute(name); }

std::string describe_filter(const std::string& name, const std::vector<std::string>& tags, const std::string& node) {
  std::string out;
  if (!name.empty()) out += "name \"" + name + "\"";
  if (!tags.empty()) {
    std::string t;
    for (const auto& x : tags) t += (t.empty() ? "" : ", ") + x;
    out += (out.empty() ? "" : " and ") + std::string("tags [") + t + "]";
  }
  if (!node.empty()) out += " on node " + node;
  return out;
}

class LxcLookup final : public framework::DataSource {
 public:
  std::string type_name() const override { return "sarga_lxc"; }

  framework::Schema schema() const override {
    framework::Schema s;
    s.description =
        "Looks up exactly one existing LXC container: by `vmid`, or by `name` and/or `tags`. Zero or several "
        "matches are an error listing what was found. Searches read each online node's container list "
        "(`GET /nodes/{node}/lxc`), so a container created moments ago is found at once; a lookup by `vmid` "
        "reads the container's node directly. Only `pool` comes from `/cluster/resources` and may lag a few "
        "seconds.";
    s.block.attributes = {
        Attribute::number("vmid").optional().computed().validate(framework::validators::int_between(100, 999999999))
            .describe("Container ID to look up."),
        Attribute::string("name").optional().computed().describe("Host name to look up (exact)."),
        Attribute::set_of("tags", cty::Type::string())
            .optional()
            .describe("Tags the container must all carry (case-insensitive)."),
        Attribute::string("node").optional().computed().describe("Only look on this node; the container's node."),
        Attribute::string("id").computed().describe("`node/vmid`."),
        Attribute::string("status").computed().describe("`running` or `stopped`."),
        Attribute::string("pool").computed().describe("Resource pool, or empty."),
        Attribute::boolean("template").computed().describe("Whether the container is a template."),
        Attribute::list_of("all_tags", cty::Type::string()).computed().describe("Every tag of the container."),
        Attribute::number("cores").computed().describe("Cores (0: all host cores)."),
        Attribute::number("memory").computed().describe("Memory in MiB."),
    };
    return s;
  }

  void validate(const framework::ValidateRequest& req, framework::Diagnostics& d) const override {
    const Model& c = req.config;
    bool by_vmid = !c.is_null("vmid");
    bool by_search = !c.is_null("name") || !c.is_null("tags");
    if (c.is_known("vmid") && c.is_known("name") && c.is_known("tags") && !by_vmid && !by_search)
      d.error("Nothing to look up", "set vmid, or name and/or tags, of the container to find");
  }

  void read(const framework::DataSourceReadRequest& req, framework::DataSourceReadResponse& resp) override {
    auto client = proxmox::client(req.context, resp.diagnostics, type_name());
    if (!client) return;
    const Model& c = req.config;
    std::string want_node = c.get_string("node").value_or("");
    try {
      std::string node;
      int vmid = 0;
      pve::GuestIndex& index = client->guest_index();
      if (auto v = c.get_int("vmid")) {
        vmid = static_cast<int>(*v);
        auto entry = index.entry(*client, vmid);
        if (!entry || (!want_node.empty() && entry->node != want_node)) {
          // Not indexed yet (made moments ago) or moved: ask the nodes themselves.
          // All nodes: a container elsewhere gets the clear "not on this node" error below.
          entry = pve::find_live_vmid(*client, pve::GuestKind::lxc, vmid);
          if (!entry) entry = pve::find_live_vmid(*client, pve::GuestKind::qemu, vmid);
        }
        if (!entry)
          return resp.diagnostics.error(at("vmid"), "Container not found",
                                        "no guest with vmid " + std::to_string(vmid) + " in the cluster");
        if (entry->kind != pve::GuestKind::lxc)
          return resp.diagnostics.error(at("vmid"), "Not a container",
                                        "vmid " + std::to_string(vmid) + " is a QEMU VM; use data source sarga_vm");
        if (!want_node.empty() && entry->node != want_node)
          return resp.diagnostics.error(at("node"), "Container not on this node",
                                        "CT " + std::to_string(vmid) + " is on " + entry->node + ", not " + want_node);
        node = entry->node;
      } else {
        std::string name = c.get_string("name").value_or("");
        std::vector<std::string> tags = proxmox::normalise_tags(c.get_strings("tags").value_or(std::vector<std::string>{}));
        auto found = pve::find_live(*client, pve::GuestKind::lxc, name, tags, want_node);
        if (found.size() != 1) {
          std::string list;
          for (const auto& g : found) list += (list.empty() ? "" : ", ") + g.node + "/" + std::to_string(g.vmid);
          std::string what = describe_filter(name, tags, want_node);
          if (found.empty())
            return resp.diagnostics.error("Container not found",
                                          "no container matches " + what);
          return resp.diagnostics.error("Several containers match",
                                        std::to_string(found.size()) + " containers match " + what + ": " + list +
                                            "; narrow the search (tags, node) or look up by vmid");
        }
        node = found[0].node;
        vmid = found[0].vmid;
      }
      lxc::LiveConfig live = lxc::fetch_config(*client, node, vmid);
      lxc::Spec spec = lxc::spec_from_config(live.values);
      std::string status = lxc::fetch_status(*client, node, vmid);
      auto entry = index.entry(*client, vmid);
      resp.state.set_string("id", proxmox::guest_id(node, vmid));
      resp.state.set_string("node", node);
      resp.state.set_int("vmid", vmid);
      resp.state.set_string("name", spec.hostname.value_or(""));
      resp.state.set_string("status", status);
      resp.state.set_string("pool", entry ? entry->pool : "");
      auto tmpl = live.values.find("template");
      resp.state.set_bool("template", tmpl != live.values.end() && tmpl->second == "1");
      resp.state.set_strings("all_tags", spec.tags);
      resp.state.set_int("cores", spec.cores.value_or(0));
      resp.state.set_int("memory", spec.memory);
    } catch (const pve::Error& e) {
      proxmox::add_error(resp.diagnostics, "looking up a container", e);
    } catch (const std::exception& e) {
      resp.diagnostics.error("Cannot read the container", e.what());
    }
  }
};

}  // namespace

std::unique_ptr<framework::DataSource> make_lxc() { return std::make_unique<LxcLookup>(); }

}  // namespace sarga::resources::datasources
