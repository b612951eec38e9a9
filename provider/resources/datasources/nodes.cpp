// sarga_nodes: the cluster's nodes (GET /nodes, one request per read).
#include "lib/pve/cluster.h"
#include "provider/resources/datasources/data_sources.h"
#include "provider/resources/proxmox/client.h"

namespace sarga::resources::datasources {
namespace {

using framework::Attribute;

cty::Type node_type() {
  return cty::Type::object({{"name", cty::Type::string()},
                            {"status", cty::Type::string()},
                            {"cpus", cty::Type::number()},
                            {"memory", cty::Type::number()},
                            {"uptime", cty::Type::number()}});
}

class Nodes final : public framework::DataSource {
 public:
  std::string type_name() const override { return "sarga_nodes"; }

  framework::Schema schema() const override {
    framework::Schema s;
    s.description = "The nodes of the Proxmox VE cluster, sorted by name, with their state as `GET /nodes` reports it.";
    s.block.attributes = {
        Attribute::nested("nodes", framework::Nesting::List,
                          {Attribute::string("name").computed().describe("Node name."),
                           Attribute::string("status").computed().describe("`online`, `offline` or `unknown`."),
                           Attribute::number("cpus").computed().describe("CPU threads."),
                           Attribute::number("memory").computed().describe("Memory in bytes."),
                           Attribute::number("uptime").computed().describe("Seconds since boot (0 when offline).")})
            .computed()
            .describe("One entry per node."),
    };
    return s;
  }

  void read(const framework::DataSourceReadRequest& req, framework::DataSourceReadResponse& resp) override {
    auto client = proxmox::client(req.context, resp.diagnostics, type_name());
    if (!client) return;
    try {
      auto nodes = client->with_retry([&] { return pve::list_nodes(*client); });
      std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
      cty::Value::Elements out;
      for (const auto& n : nodes)
        out.push_back(cty::Value::object({{"name", cty::Value::string(n.name)},
                                          {"status", cty::Value::string(n.status)},
                                          {"cpus", cty::Value::number_int(n.cpus)},
                                          {"memory", cty::Value::number_uint(n.memory)},
                                          {"uptime", cty::Value::number_int(n.uptime)}}));
      resp.state.set("nodes", cty::Value::list(node_type(), std::move(out)));
    } catch (const pve::Error& e) {
      proxmox::add_error(resp.diagnostics, "listing the cluster's nodes", e);
    }
  }
};

}  // namespace

std::unique_ptr<framework::DataSource> make_nodes() { return std::make_unique<Nodes>(); }

}  // namespace sarga::resources::datasources
