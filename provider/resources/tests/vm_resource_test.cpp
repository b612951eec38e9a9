// sarga_vm through the framework's generic algorithms (validate, plan) without a server, and
// the model <-> cty conversions the resource relies on.
#include <gtest/gtest.h>

#include "provider/framework/model.h"
#include "provider/framework/operations.h"
#include "provider/framework/provider.h"
#include "provider/resources/register.h"
#include "provider/resources/vm/schema.h"
#include "provider/resources/vm/vm_model.h"

namespace sarga::resources {
namespace {

using cty::Value;
constexpr const char* kType = "sarga_vm";

class VmResource : public ::testing::Test {
 protected:
  VmResource() : provider_("0.1.0", [](const std::string&) { return std::nullopt; }), ops_(provider_) {
    register_all(provider_);
  }
  const framework::Schema& schema() { return provider_.find_resource(kType)->schema; }
  Value null_state() { return Value::null(schema().implied_type()); }

  // A config: every attribute null except the given ones (HCL-like nested values built by hand).
  Value config(const std::map<std::string, Value>& attrs) {
    framework::Model m(schema().null_object());
    for (const auto& [k, v] : attrs) m.set(k, v);
    return m.value();
  }

  // An object of the nested attribute's type with only the given attributes set.
  Value nested(const std::string& attr, const std::map<std::string, Value>& values, const char* element_of = nullptr) {
    cty::Type t = schema().block.find_attribute(attr)->value_type();
    if (element_of) t = t.element_type();
    cty::Value::Attributes a;
    for (const auto& [name, type] : t.attribute_types()) a.emplace(name, Value::null(type));
    for (const auto& [k, v] : values) a[k] = v;
    return Value::object(std::move(a));
  }

  Value disks(const std::map<std::string, std::map<std::string, Value>>& slots) {
    cty::Type elem = schema().block.find_attribute("disks")->value_type().element_type();
    cty::Value::MapElements m;
    for (const auto& [slot, values] : slots) m.emplace(slot, nested("disks", values, "element"));
    return Value::map(elem, std::move(m));
  }

  framework::Diagnostics validate(const Value& cfg) { return ops_.validate_resource_config(kType, cfg); }

  framework::Provider provider_;
  framework::Operations ops_;
};

bool mentions(const framework::Diagnostics& d, const std::string& path, const std::string& text) {
  for (const auto& x : d.items())
    if (x.attribute && x.attribute->to_string() == path && (x.summary + x.detail).find(text) != std::string::npos)
      return true;
  return false;
}

TEST_F(VmResource, SchemaIsValidForOpenTofu) {
  framework::Diagnostics d;
  schema().check(kType, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  ASSERT_NE(provider_.find_data_source(kType), nullptr);
}

TEST_F(VmResource, CreatePlanLeavesComputedUnknownAndDefaults) {
  Value cfg = config({{"node", Value::string("pve1")},
                      {"disks", disks({{"scsi0", {{"storage", Value::string("local-lvm")}, {"size_gb", Value::number_int(8)}}}})}});
  auto plan = ops_.plan(kType, null_state(), cfg, cfg, "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  const Value& p = plan.planned;
  EXPECT_FALSE(p.attribute("vmid").is_known());
  EXPECT_FALSE(p.attribute("id").is_known());
  EXPECT_EQ(p.attribute("started"), Value::boolean(true));
  EXPECT_EQ(p.attribute("reboot_after_update"), Value::boolean(true));
  EXPECT_FALSE(p.attribute("cpu").is_known());  // unset: whatever Proxmox has
  Value d = p.attribute("disks").map_element("scsi0");
  EXPECT_EQ(d.attribute("size_gb"), Value::number_int(8));
  EXPECT_FALSE(d.attribute("cache").is_known());
  EXPECT_TRUE(d.attribute("import_from").is_null());
}

TEST_F(VmResource, KnownVmidGivesAKnownId) {
  Value cfg = config({{"node", Value::string("pve1")}, {"vmid", Value::number_int(123)}});
  auto plan = ops_.plan(kType, null_state(), cfg, cfg, "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  EXPECT_EQ(plan.planned.attribute("id"), Value::string("pve1/123"));
}

// Pain point 11 at plan time: a smaller size_gb than the state's is an error on that attribute.
TEST_F(VmResource, Pain11ShrinkIsAPlanErrorNamingTheDisk) {
  Value cfg = config({{"node", Value::string("pve1")}, {"vmid", Value::number_int(123)},
                      {"disks", disks({{"scsi0", {{"size_gb", Value::number_int(20)}}}})}});
  auto created = ops_.plan(kType, null_state(), cfg, cfg, "");
  ASSERT_FALSE(created.diagnostics.has_errors()) << created.diagnostics.to_string();
  // The state after apply: computed values filled in.
  vm::Vm st = vm::from_value(created.planned);
  st.id = "pve1/123";
  st.disks->at("scsi0").storage = "local-lvm";
  st.ipv4_addresses = std::vector<std::string>{};
  st.ipv6_addresses = std::vector<std::string>{};
  Value prior = vm::fill_unknowns(created.planned, vm::to_value(st, schema().implied_type()));
  ASSERT_TRUE(prior.attribute("disks").is_wholly_known()) << prior.attribute("disks").debug_string();

  Value smaller = config({{"node", Value::string("pve1")}, {"vmid", Value::number_int(123)},
                          {"disks", disks({{"scsi0", {{"size_gb", Value::number_int(10)}}}})}});
  auto plan = ops_.plan(kType, prior, smaller, smaller, "");
  EXPECT_TRUE(mentions(plan.diagnostics, "disks[\"scsi0\"].size_gb", "cannot shrink")) << plan.diagnostics.to_string();
  // Growing is an in-place update.
  Value bigger = config({{"node", Value::string("pve1")}, {"vmid", Value::number_int(123)},
                         {"disks", disks({{"scsi0", {{"size_gb", Value::number_int(40)}}}})}});
  auto grow = ops_.plan(kType, prior, bigger, bigger, "");
  EXPECT_FALSE(grow.diagnostics.has_errors()) << grow.diagnostics.to_string();
  EXPECT_TRUE(grow.requires_replace.empty());
}

TEST_F(VmResource, ValidateNamesTheAttributes) {
  Value bad = config({
      {"node", Value::string("pve1")},
      {"vmid", Value::number_int(150)},
      {"vmid_range", nested("vmid_range", {{"from", Value::number_int(500)}, {"to", Value::number_int(400)}})},
      {"tags", Value::set(cty::Type::string(), {Value::string("Web"), Value::string("web"), Value::string("bad tag")})},
      {"clone", nested("clone", {{"source_vmid", Value::number_int(9000)}, {"source_name", Value::string("t")}})},
      {"cloud_init", nested("cloud_init", {{"seed_volume", Value::string("local:iso/s.iso")}, {"user", Value::string("ops")}})},
      {"timeouts", nested("timeouts", {{"create", Value::string("ten minutes")}})},
  });
  auto d = validate(bad);
  EXPECT_TRUE(mentions(d, "vmid_range", "either vmid or vmid_range")) << d.to_string();
  EXPECT_TRUE(mentions(d, "vmid_range", "from must not be larger")) << d.to_string();
  EXPECT_TRUE(mentions(d, "tags", "twice")) << d.to_string();
  EXPECT_TRUE(mentions(d, "tags", "bad tag")) << d.to_string();
  EXPECT_TRUE(mentions(d, "clone", "exactly one")) << d.to_string();
  EXPECT_TRUE(mentions(d, "cloud_init.user", "seed_volume")) << d.to_string();
  EXPECT_TRUE(mentions(d, "timeouts.create", "not a duration")) << d.to_string();

  auto good = validate(config({{"node", Value::string("pve1")},
                               {"clone", nested("clone", {{"source_name", Value::string("tmpl")}})},
                               {"tags", Value::set(cty::Type::string(), {Value::string("Web"), Value::string("prod")})}}));
  EXPECT_FALSE(good.has_errors()) << good.to_string();
}

TEST_F(VmResource, DiskAndNicSlotsAreChecked) {
  Value cfg = config({{"node", Value::string("pve1")},
                      {"disks", disks({{"nvme0", {{"size_gb", Value::number_int(1)}}}})}});
  auto d = validate(cfg);
  EXPECT_TRUE(mentions(d, "disks[\"nvme0\"]", "scsi0-30")) << d.to_string();
}

TEST_F(VmResource, TemplateBackToVmRequiresReplace) {
  Value cfg = config({{"node", Value::string("pve1")}, {"vmid", Value::number_int(123)},
                      {"template", Value::boolean(true)}, {"started", Value::boolean(false)}});
  auto created = ops_.plan(kType, null_state(), cfg, cfg, "");
  ASSERT_FALSE(created.diagnostics.has_errors()) << created.diagnostics.to_string();
  Value prior = vm::fill_unknowns(created.planned, Value::null(schema().implied_type()));
  Value back = config({{"node", Value::string("pve1")}, {"vmid", Value::number_int(123)},
                       {"template", Value::boolean(false)}, {"started", Value::boolean(false)}});
  auto plan = ops_.plan(kType, prior, back, back, "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  bool replaced = false;
  for (const auto& p : plan.requires_replace) replaced |= p.to_string() == "template";
  EXPECT_TRUE(replaced);
}

TEST(VmModel, RoundTripKeepsEveryField) {
  framework::Schema s = vm::resource_schema();
  vm::Vm v;
  v.id = "pve1/100";
  v.node = "pve1";
  v.vmid = 100;
  v.tags = std::vector<std::string>{"a", "b"};
  v.cpu = vm::Cpu{.cores = 2, .sockets = 1, .type = "host"};
  v.disks = std::map<std::string, vm::Disk>{{"scsi0", vm::Disk{.storage = "local-lvm", .size_gb = 2.5, .backup = true}}};
  v.network = std::map<std::string, vm::Nic>{{"net0", vm::Nic{.bridge = "vmbr0", .vlan = 5, .model = "virtio"}}};
  v.cloud_init = vm::CloudInit{.interface = "ide2", .ssh_keys = std::vector<std::string>{"k"}};
  v.cloud_init->ipconfig = std::map<std::string, vm::IpConfig>{{"net0", vm::IpConfig{.ipv4 = "dhcp"}}};
  v.agent = vm::Agent{.enabled = true, .wait_for_ip = vm::WaitForIp{"1m", "ipv6"}};
  v.started = true;
  v.timeouts = vm::Timeouts{.create = "5m"};
  v.ipv4_addresses = std::vector<std::string>{"10.0.0.2"};
  Value value = vm::to_value(v, s.implied_type());
  EXPECT_EQ(vm::from_value(value), v);
}

TEST(VmModel, FillUnknownsKeepsPlannedValues) {
  framework::Schema s = vm::resource_schema();
  vm::Vm planned;
  planned.node = "pve1";
  planned.name = "x";
  Value p = vm::to_value(planned, s.implied_type());
  framework::Model m(p);
  m.set("vmid", Value::unknown(cty::Type::number()));
  vm::Vm actual = planned;
  actual.name = "y";  // planned known values win
  actual.vmid = 321;
  Value out = vm::fill_unknowns(m.value(), vm::to_value(actual, s.implied_type()));
  EXPECT_EQ(out.attribute("vmid"), Value::number_int(321));
  EXPECT_EQ(out.attribute("name"), Value::string("x"));
  EXPECT_TRUE(out.is_wholly_known());
}

}  // namespace
}  // namespace sarga::resources
