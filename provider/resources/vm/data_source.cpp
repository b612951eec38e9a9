// Data source sarga_vm: one VM or template by vmid (located through the cluster index, or
// the nodes' own lists when the index does not know it yet, then read from its node) or by
// name and/or tags (searched in the nodes' own VM lists: no /cluster/resources lag).
#include <algorithm>

#include "lib/pve/cluster.h"
#include "provider/resources/proxmox/client.h"
#include "provider/resources/vm/resource.h"
#include "provider/resources/vm/schema.h"

namespace sarga::resources::vm {
namespace {

constexpr auto kQemu = pve::GuestKind::qemu;

class VmDataSource final : public framework::DataSource {
 public:
  std::string type_name() const override { return "sarga_vm"; }
  framework::Schema schema() const override { return data_source_schema(); }

  void validate(const framework::ValidateRequest& req, framework::Diagnostics& diags) const override {
    const framework::Model& c = req.config;
    if (c.is_known("vmid") && c.is_known("name") && c.is_known("tags") && c.is_null("vmid") && c.is_null("name") &&
        c.is_null("tags"))
      diags.error("Nothing to look up", "data \"sarga_vm\": set vmid, or name and/or tags, of the VM to find");
  }

  void read(const framework::DataSourceReadRequest& req, framework::DataSourceReadResponse& resp) override {
    auto client = proxmox::client(req.context, resp.diagnostics, "data.sarga_vm");
    if (!client) return;
    auto vmid = req.config.get_int("vmid");
    std::string name = req.config.get_string("name").value_or("");
    auto tags = proxmox::normalise_tags(req.config.get_strings("tags").value_or(std::vector<std::string>{}));
    auto node = req.config.get_string("node");
    try {
      pve::GuestIndex& index = client->guest_index();
      std::vector<pve::GuestEntry> found;
      if (vmid) {
        int id = static_cast<int>(*vmid);
        auto live_node = [&]() -> std::optional<std::string> {
          auto live = pve::find_live_vmid(*client, kQemu, id, node.value_or(""));
          return live ? std::optional<std::string>(live->node) : std::nullopt;
        };
        bool from_index = true;
        auto at = index.locate(*client, id);
        if (!at || (node && *at != *node)) {  // not indexed yet (made moments ago) or moved
          at = live_node();
          from_index = false;
        }
        if (at) {
          // Read the node itself: the index may lag behind a rename or a fresh VM.
          pve::Guests guests(*client);
          pve::GuestStatus st;
          try {
            st = guests.status(*at, kQemu, id);
          } catch (const pve::Error& e) {
            if (e.kind() != pve::ErrorKind::not_found || !from_index) throw;
            at = live_node();  // the index is stale: migrated since it was fetched
            if (!at) throw;
            st = guests.status(*at, kQemu, id);
          }
          pve::GuestEntry e;
          e.vmid = static_cast<int>(*vmid);
          e.node = *at;
          e.name = st.name;
          e.status = st.status;
          e.template_ = st.template_;
          e.tags = st.tags;
          if (auto cached = index.entry(*client, e.vmid)) e.pool = cached->pool;
          found.push_back(e);
        }
      } else {
        found = pve::find_live(*client, kQemu, name, tags, node.value_or(""));
        if (found.size() == 1 && found[0].pool.empty())  // node lists carry no pool
          if (auto cached = index.entry(*client, found[0].vmid)) found[0].pool = cached->pool;
      }
      std::erase_if(found, [&](const pve::GuestEntry& e) {
        if (node && e.node != *node) return true;
        if (!name.empty() && e.name != name) return true;
        for (const auto& t : tags)
          if (std::find(e.tags.begin(), e.tags.end(), t) == e.tags.end()) return true;
        return false;
      });
      if (found.size() != 1) {
        std::string list;
        for (const auto& e : found)
          list += (list.empty() ? "" : ", ") + std::to_string(e.vmid) + " (" + e.name + " on " + e.node + ")";
        resp.diagnostics.error(found.empty() ? "No VM found" : "More than one VM found",
                               "data \"sarga_vm\": " + std::to_string(found.size()) + " VMs match" +
                                   (list.empty() ? std::string() : ": " + list) + "; exactly one must");
        return;
      }
      const pve::GuestEntry& e = found[0];
      resp.state.set_string("id", proxmox::guest_id(e.node, e.vmid));
      resp.state.set_int("vmid", e.vmid);
      resp.state.set_string("name", e.name);
      resp.state.set_strings("all_tags", e.tags);
      resp.state.set_string("node", e.node);
      resp.state.set_string("status", e.status);
      resp.state.set_bool("template", e.template_);
      resp.state.set_string("pool", e.pool);
    } catch (const pve::Error& e) {
      if (e.kind() == pve::ErrorKind::not_found) {
        resp.diagnostics.error("No VM found", "data \"sarga_vm\": VM " + std::to_string(vmid.value_or(0)) + " does not exist");
        return;
      }
      proxmox::add_error(resp.diagnostics, "looking up a VM", e);
    }
  }
};

}  // namespace

std::unique_ptr<framework::DataSource> make_data_source() { return std::make_unique<VmDataSource>(); }

}  // namespace sarga::resources::vm
