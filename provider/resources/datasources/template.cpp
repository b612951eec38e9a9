// Data source sarga_template: the newest VM template (kind "vm") or container template volume
// (kind "lxc") matching a name pattern and tags: the handoff from sarga-build to the provider.
#include <algorithm>
#include <regex>
#include <set>

#include "lib/http/http.h"
#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"
#include "provider/framework/validators.h"
#include "provider/resources/datasources/data_sources.h"
#include "provider/resources/datasources/template_pick.h"
#include "provider/resources/proxmox/client.h"

namespace sarga::resources::datasources {
namespace {

using framework::Attribute;
using framework::Model;

cty::Path at(const char* name) { return cty::Path().attribute(name); }

// Storages of `node` that hold container templates (or just `only` when set).
std::vector<std::string> vztmpl_storages(const pve::Client& c, const std::string& node, const std::string& only) {
  pve::Params p{{"content", "vztmpl"}};
  if (!only.empty()) p.emplace_back("storage", only);
  nlohmann::json data = c.with_retry([&] { return c.get(pve::node_path(node) + "/storage", p); });
  std::vector<std::string> out;
  if (data.is_array())
    for (const auto& s : data)
      if (s.is_object() && s.contains("storage")) out.push_back(pve::scalar_string(s["storage"]));
  return out;
}

std::vector<TemplateCandidate> lxc_candidates(const pve::Client& c, const std::vector<std::string>& nodes,
                                              const std::string& storage) {
  std::vector<TemplateCandidate> out;
  std::set<std::string> seen;  // a shared storage lists the same volumes on every node
  for (const auto& node : nodes)
    for (const auto& s : vztmpl_storages(c, node, storage))
      for (const auto& v : c.with_retry([&] { return c.storage_content(node, s, "vztmpl"); })) {
        if (v.content != "vztmpl" || !seen.insert(v.volid).second) continue;
        TemplateCandidate t;
        t.name = volume_file_name(v.volid);
        t.node = node;
        t.volume_id = v.volid;
        t.created = v.ctime;
        out.push_back(t);
      }
  return out;
}

std::vector<TemplateCandidate> vm_candidates(const pve::Client& c, const std::string& node) {
  std::vector<TemplateCandidate> out;
  // The nodes' own lists: a template made moments ago is not in /cluster/resources yet.
  for (const auto& g : pve::find_live(c, pve::GuestKind::qemu, "", {}, node)) {
    if (!g.template_) continue;
    TemplateCandidate t;
    t.name = g.name;
    t.node = g.node;
    t.vmid = g.vmid;
    t.tags = g.tags;
    out.push_back(t);
  }
  return out;
}

class Template final : public framework::DataSource {
 public:
  std::string type_name() const override { return "sarga_template"; }

  framework::Schema schema() const override {
    framework::Schema s;
    s.description =
        "The newest template matching a name pattern: a QEMU VM template (`kind = \"vm\"`, gives `vmid` and "
        "`node` to clone from) or a container template volume (`kind = \"lxc\"`, gives `volume_id` for "
        "`sarga_lxc.template`), such as the ones `sarga-build` publishes.\n\n"
        "**Newest** means: the highest creation time (a volume's `ctime`; for a VM template the `ctime` PVE "
        "records in the VM's `meta` at create), then the highest VMID, then the greatest volume id. No match is "
        "an error naming the pattern. VM templates are searched in each online node's VM list "
        "(`GET /nodes/{node}/qemu`), so a template made moments ago (by `sarga-build` in the same pipeline) "
        "is found at once.";
    s.block.attributes = {
        Attribute::string("kind").required().validate(framework::validators::one_of({"vm", "lxc"})).describe(
            "`vm` for QEMU VM templates, `lxc` for container template volumes (`vztmpl`)."),
        Attribute::string("name_regex").optional().describe(
            "ECMAScript regular expression searched in the VM name or the volume's file name "
            "(`debian-12-web_1.4_amd64.tar.zst`); anchor it with `^` and `$`. Unset: any name."),
        Attribute::set_of("tags", cty::Type::string())
            .optional()
            .describe("kind `vm`: tags the template must all carry (case-insensitive)."),
        Attribute::string("node").optional().computed().describe(
            "Only look on this node (default: all nodes). Set to the node the match was found on."),
        Attribute::string("storage").optional().describe("kind `lxc`: only look in this storage."),
        Attribute::string("name").computed().describe("Name of the match (VM name or volume file name)."),
        Attribute::number("vmid").computed().describe("kind `vm`: the template's VMID (0 for `lxc`)."),
        Attribute::string("volume_id").computed().describe("kind `lxc`: the volume id (empty for `vm`)."),
        Attribute::string("created").computed().describe(
            "Creation time, RFC 3339 in UTC (empty when PVE does not record one)."),
    };
    return s;
  }

  void validate(const framework::ValidateRequest& req, framework::Diagnostics& d) const override {
    const Model& c = req.config;
    if (auto re = c.get_string("name_regex")) {
      try {
        std::regex check(*re, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        d.error(at("name_regex"), "Invalid regular expression", "\"" + *re + "\": " + e.what());
      }
    }
    auto kind = c.get_string("kind");
    if (kind == "lxc" && !c.is_null("tags") && c.is_known("tags"))
      d.error(at("tags"), "Tags need kind \"vm\"", "container template volumes carry no tags; use name_regex");
    if (kind == "vm" && !c.is_null("storage") && c.is_known("storage"))
      d.error(at("storage"), "Storage needs kind \"lxc\"", "VM templates are found by name, tags and node");
  }

  void read(const framework::DataSourceReadRequest& req, framework::DataSourceReadResponse& resp) override {
    auto client = proxmox::client(req.context, resp.diagnostics, type_name());
    if (!client) return;
    const Model& c = req.config;
    std::string kind = c.get_string("kind").value_or("");
    std::string pattern = c.get_string("name_regex").value_or("");
    std::string node = c.get_string("node").value_or("");
    std::string storage = c.get_string("storage").value_or("");
    std::vector<std::string> tags = c.get_strings("tags").value_or(std::vector<std::string>{});
    try {
      std::vector<TemplateCandidate> all;
      if (kind == "lxc") {
        std::vector<std::string> nodes;
        if (!node.empty()) {
          nodes.push_back(node);
        } else {
          for (const auto& n : client->with_retry([&] { return pve::list_nodes(*client); }))
            if (n.status == "online") nodes.push_back(n.name);
          std::sort(nodes.begin(), nodes.end());
        }
        all = lxc_candidates(*client, nodes, storage);
      } else {
        all = vm_candidates(*client, node);
      }
      std::vector<TemplateCandidate> matches = filter_candidates(all, pattern, tags);
      if (kind == "vm")  // the creation time lives in each template's config
        for (auto& m : matches) {
          pve::Guests guests(*client);
          auto cfg = guests.config(m.node, pve::GuestKind::qemu, m.vmid);
          m.created = meta_ctime(cfg.get("meta").value_or(""));
        }
      auto pick = newest(matches);
      if (!pick) {
        std::string where = kind == "lxc" ? (storage.empty() ? "any storage" : "storage " + storage) : "the cluster";
        if (!node.empty()) where += " on node " + node;
        std::string tag_text;
        for (const auto& t : tags) tag_text += (tag_text.empty() ? "" : ", ") + t;
        resp.diagnostics.error(at("name_regex"), "No template matches",
                               "no " + std::string(kind == "lxc" ? "container template volume" : "VM template") +
                                   " in " + where + " matches name_regex \"" + pattern + "\"" +
                                   (tag_text.empty() ? "" : " with tags [" + tag_text + "]") + " (" +
                                   std::to_string(all.size()) + " candidates looked at)");
        return;
      }
      resp.state.set_string("name", pick->name);
      resp.state.set_int("vmid", pick->vmid);
      resp.state.set_string("volume_id", pick->volume_id);
      resp.state.set_string("node", pick->node);
      resp.state.set_string("created", pick->created > 0 ? rfc3339(pick->created) : "");
    } catch (const pve::Error& e) {
      proxmox::add_error(resp.diagnostics, "looking for a " + kind + " template", e);
    } catch (const std::regex_error& e) {
      resp.diagnostics.error(at("name_regex"), "Invalid regular expression", e.what());
    }
  }
};

}  // namespace

std::unique_ptr<framework::DataSource> make_template() { return std::make_unique<Template>(); }

}  // namespace sarga::resources::datasources
