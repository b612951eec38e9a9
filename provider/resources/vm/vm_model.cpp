#include "provider/resources/vm/vm_model.h"

#include <cmath>

namespace sarga::resources::vm {
namespace {

using cty::Value;

bool usable(const Value& v) { return v.is_known() && !v.is_null(); }

// Reading: a known, non-null attribute or nullopt.
const Value* attr(const Value& object, std::string_view name) {
  if (!usable(object) || !object.type().is_object()) return nullptr;
  const Value* a = object.find_attribute(name);
  return a && usable(*a) ? a : nullptr;
}

opt<std::string> get_str(const Value& o, std::string_view n) {
  const Value* a = attr(o, n);
  return a ? opt<std::string>(a->as_string()) : std::nullopt;
}
opt<bool> get_bool(const Value& o, std::string_view n) {
  const Value* a = attr(o, n);
  return a ? opt<bool>(a->as_bool()) : std::nullopt;
}
opt<double> get_double(const Value& o, std::string_view n) {
  const Value* a = attr(o, n);
  return a ? opt<double>(a->as_double()) : std::nullopt;
}
opt<int64_t> get_int(const Value& o, std::string_view n) {
  const Value* a = attr(o, n);
  if (!a) return std::nullopt;
  return static_cast<int64_t>(std::llround(a->as_double()));
}
opt<std::vector<std::string>> get_strings(const Value& o, std::string_view n) {
  const Value* a = attr(o, n);
  if (!a || !a->is_wholly_known()) return std::nullopt;
  std::vector<std::string> out;
  for (const Value& e : a->elements())
    if (usable(e)) out.push_back(e.as_string());
  return out;
}
template <class T, class F>
opt<std::map<std::string, T>> get_map(const Value& o, std::string_view n, F convert) {
  const Value* a = attr(o, n);
  if (!a) return std::nullopt;
  std::map<std::string, T> out;
  for (const auto& [k, e] : a->map_elements()) out.emplace(k, convert(e));
  return out;
}

// Writing: an object of `type` whose attributes start null.
class Obj {
 public:
  explicit Obj(const cty::Type& type) : type_(type) {
    for (const auto& [name, t] : type.attribute_types()) values_.emplace(name, Value::null(t));
  }
  const cty::Type& type_of(std::string_view name) const { return type_.attribute_type(name); }
  Obj& set(std::string_view name, Value v) {
    values_[std::string(name)] = std::move(v);
    return *this;
  }
  Obj& str(std::string_view n, const opt<std::string>& v) { return v ? set(n, Value::string(*v)) : *this; }
  Obj& boolean(std::string_view n, const opt<bool>& v) { return v ? set(n, Value::boolean(*v)) : *this; }
  Obj& integer(std::string_view n, const opt<int64_t>& v) { return v ? set(n, Value::number_int(*v)) : *this; }
  Obj& real(std::string_view n, const opt<double>& v) {
    if (!v) return *this;
    double whole = std::round(*v);
    return set(n, whole == *v && std::fabs(whole) < 9e15 ? Value::number_int(static_cast<int64_t>(whole))
                                                          : Value::number_float(*v));
  }
  Obj& strings(std::string_view n, const opt<std::vector<std::string>>& v) {
    if (!v) return *this;
    Value::Elements e;
    for (const auto& s : *v) e.push_back(Value::string(s));
    const cty::Type& t = type_of(n);
    return set(n, t.is_set() ? Value::set(cty::Type::string(), std::move(e)) : Value::list(cty::Type::string(), std::move(e)));
  }
  template <class T, class F>
  Obj& object(std::string_view n, const opt<T>& v, F build) {
    return v ? set(n, build(*v, type_of(n))) : *this;
  }
  template <class T, class F>
  Obj& map(std::string_view n, const opt<std::map<std::string, T>>& v, F build) {
    if (!v) return *this;
    const cty::Type& elem = type_of(n).element_type();
    Value::MapElements m;
    for (const auto& [k, e] : *v) m.emplace(k, build(e, elem));
    return set(n, Value::map(elem, std::move(m)));
  }
  Value done() const { return Value::object(values_); }

 private:
  const cty::Type& type_;
  Value::Attributes values_;
};

Disk disk_from(const Value& o) {
  return {get_str(o, "storage"), get_double(o, "size_gb"), get_str(o, "format"), get_str(o, "cache"),
          get_bool(o, "discard"), get_bool(o, "iothread"), get_bool(o, "ssd"), get_bool(o, "backup"),
          get_str(o, "import_from")};
}
Value disk_to(const Disk& d, const cty::Type& t) {
  return Obj(t).str("storage", d.storage).real("size_gb", d.size_gb).str("format", d.format).str("cache", d.cache)
      .boolean("discard", d.discard).boolean("iothread", d.iothread).boolean("ssd", d.ssd)
      .boolean("backup", d.backup).str("import_from", d.import_from).done();
}

Nic nic_from(const Value& o) {
  return {get_str(o, "bridge"), get_int(o, "vlan"), get_str(o, "model"), get_str(o, "mac"),
          get_bool(o, "firewall"), get_int(o, "mtu")};
}
Value nic_to(const Nic& n, const cty::Type& t) {
  return Obj(t).str("bridge", n.bridge).integer("vlan", n.vlan).str("model", n.model).str("mac", n.mac)
      .boolean("firewall", n.firewall).integer("mtu", n.mtu).done();
}

IpConfig ip_from(const Value& o) {
  return {get_str(o, "ipv4"), get_str(o, "gateway4"), get_str(o, "ipv6"), get_str(o, "gateway6")};
}
Value ip_to(const IpConfig& i, const cty::Type& t) {
  return Obj(t).str("ipv4", i.ipv4).str("gateway4", i.gateway4).str("ipv6", i.ipv6).str("gateway6", i.gateway6).done();
}

HostPci pci_from(const Value& o) {
  return {get_str(o, "mapping"), get_str(o, "id"), get_bool(o, "pcie"), get_bool(o, "x_vga"), get_bool(o, "rombar")};
}
Value pci_to(const HostPci& p, const cty::Type& t) {
  return Obj(t).str("mapping", p.mapping).str("id", p.id).boolean("pcie", p.pcie).boolean("x_vga", p.x_vga)
      .boolean("rombar", p.rombar).done();
}

template <class T, class F>
opt<T> object_from(const Value& o, std::string_view n, F convert) {
  const Value* a = attr(o, n);
  return a ? opt<T>(convert(*a)) : std::nullopt;
}

}  // namespace

Vm from_value(const Value& o) {
  Vm vm;
  vm.id = get_str(o, "id");
  vm.node = get_str(o, "node");
  vm.vmid = get_int(o, "vmid");
  vm.vmid_range = object_from<VmidRange>(o, "vmid_range", [](const Value& r) {
    return VmidRange{get_int(r, "from"), get_int(r, "to"), get_bool(r, "random")};
  });
  vm.name = get_str(o, "name");
  vm.description = get_str(o, "description");
  vm.tags = get_strings(o, "tags");
  vm.pool = get_str(o, "pool");
  vm.clone = object_from<Clone>(o, "clone", [](const Value& c) {
    return Clone{get_int(c, "source_vmid"), get_str(c, "source_name"), get_str(c, "source_node"),
                 get_bool(c, "full"), get_str(c, "target_storage")};
  });
  vm.cpu = object_from<Cpu>(o, "cpu", [](const Value& c) {
    return Cpu{get_int(c, "cores"), get_int(c, "sockets"), get_str(c, "type")};
  });
  vm.memory = object_from<Memory>(o, "memory", [](const Value& m) {
    return Memory{get_int(m, "dedicated"), get_int(m, "balloon")};
  });
  vm.disks = get_map<Disk>(o, "disks", disk_from);
  vm.efi_disk = object_from<EfiDisk>(o, "efi_disk", [](const Value& e) {
    return EfiDisk{get_str(e, "storage"), get_str(e, "type"), get_bool(e, "pre_enrolled_keys")};
  });
  vm.network = get_map<Nic>(o, "network", nic_from);
  vm.cloud_init = object_from<CloudInit>(o, "cloud_init", [](const Value& c) {
    return CloudInit{get_str(c, "storage"),      get_str(c, "interface"),  get_str(c, "user"),
                     get_str(c, "password"),     get_strings(c, "ssh_keys"), get_map<IpConfig>(c, "ipconfig", ip_from),
                     get_strings(c, "dns_servers"), get_str(c, "search_domain"), get_str(c, "seed_volume")};
  });
  vm.agent = object_from<Agent>(o, "agent", [](const Value& a) {
    return Agent{get_bool(a, "enabled"), object_from<WaitForIp>(a, "wait_for_ip", [](const Value& w) {
                   return WaitForIp{get_str(w, "timeout"), get_str(w, "family")};
                 })};
  });
  vm.hostpci = get_map<HostPci>(o, "hostpci", pci_from);
  vm.started = get_bool(o, "started");
  vm.on_boot = get_bool(o, "on_boot");
  vm.startup = object_from<Startup>(o, "startup", [](const Value& s) {
    return Startup{get_int(s, "order"), get_int(s, "up"), get_int(s, "down")};
  });
  vm.protection = get_bool(o, "protection");
  vm.template_ = get_bool(o, "template");
  vm.reboot_after_update = get_bool(o, "reboot_after_update");
  vm.timeouts = object_from<Timeouts>(o, "timeouts", [](const Value& t) {
    return Timeouts{get_str(t, "create"), get_str(t, "update"), get_str(t, "delete")};
  });
  vm.ipv4_addresses = get_strings(o, "ipv4_addresses");
  vm.ipv6_addresses = get_strings(o, "ipv6_addresses");
  return vm;
}

Value to_value(const Vm& vm, const cty::Type& type) {
  Obj o(type);
  o.str("id", vm.id).str("node", vm.node).integer("vmid", vm.vmid);
  o.object("vmid_range", vm.vmid_range, [](const VmidRange& r, const cty::Type& t) {
    return Obj(t).integer("from", r.from).integer("to", r.to).boolean("random", r.random).done();
  });
  o.str("name", vm.name).str("description", vm.description).strings("tags", vm.tags).str("pool", vm.pool);
  o.object("clone", vm.clone, [](const Clone& c, const cty::Type& t) {
    return Obj(t).integer("source_vmid", c.source_vmid).str("source_name", c.source_name)
        .str("source_node", c.source_node).boolean("full", c.full).str("target_storage", c.target_storage).done();
  });
  o.object("cpu", vm.cpu, [](const Cpu& c, const cty::Type& t) {
    return Obj(t).integer("cores", c.cores).integer("sockets", c.sockets).str("type", c.type).done();
  });
  o.object("memory", vm.memory, [](const Memory& m, const cty::Type& t) {
    return Obj(t).integer("dedicated", m.dedicated).integer("balloon", m.balloon).done();
  });
  o.map("disks", vm.disks, disk_to);
  o.object("efi_disk", vm.efi_disk, [](const EfiDisk& e, const cty::Type& t) {
    return Obj(t).str("storage", e.storage).str("type", e.type).boolean("pre_enrolled_keys", e.pre_enrolled_keys).done();
  });
  o.map("network", vm.network, nic_to);
  o.object("cloud_init", vm.cloud_init, [](const CloudInit& c, const cty::Type& t) {
    Obj ci(t);
    ci.str("storage", c.storage).str("interface", c.interface).str("user", c.user).str("password", c.password)
        .strings("ssh_keys", c.ssh_keys).map("ipconfig", c.ipconfig, ip_to).strings("dns_servers", c.dns_servers)
        .str("search_domain", c.search_domain).str("seed_volume", c.seed_volume);
    return ci.done();
  });
  o.object("agent", vm.agent, [](const Agent& a, const cty::Type& t) {
    return Obj(t).boolean("enabled", a.enabled)
        .object("wait_for_ip", a.wait_for_ip, [](const WaitForIp& w, const cty::Type& wt) {
          return Obj(wt).str("timeout", w.timeout).str("family", w.family).done();
        })
        .done();
  });
  o.map("hostpci", vm.hostpci, pci_to);
  o.boolean("started", vm.started).boolean("on_boot", vm.on_boot);
  o.object("startup", vm.startup, [](const Startup& s, const cty::Type& t) {
    return Obj(t).integer("order", s.order).integer("up", s.up).integer("down", s.down).done();
  });
  o.boolean("protection", vm.protection).boolean("template", vm.template_)
      .boolean("reboot_after_update", vm.reboot_after_update);
  o.object("timeouts", vm.timeouts, [](const Timeouts& t, const cty::Type& tt) {
    return Obj(tt).str("create", t.create).str("update", t.update).str("delete", t.del).done();
  });
  o.strings("ipv4_addresses", vm.ipv4_addresses).strings("ipv6_addresses", vm.ipv6_addresses);
  return o.done();
}

Value fill_unknowns(const Value& planned, const Value& actual) {
  if (!planned.is_known()) {
    if (actual.is_known() && (actual.is_null() ? actual.type() == planned.type() || actual.type().is_dynamic()
                                               : actual.type().conforms_to(planned.type())))
      return actual.is_null() ? Value::null(planned.type()) : actual;
    return Value::null(planned.type());
  }
  if (planned.is_null() || planned.is_wholly_known()) return planned;
  const cty::Type& t = planned.type();
  bool comparable = actual.is_known() && !actual.is_null();
  if (t.is_object()) {
    Value::Attributes out;
    for (const auto& [name, v] : planned.attributes()) {
      const Value* a = comparable && actual.type().is_object() ? actual.find_attribute(name) : nullptr;
      out.emplace(name, fill_unknowns(v, a ? *a : Value::null(v.type())));
    }
    return Value::object(std::move(out));
  }
  if (t.is_map()) {
    Value::MapElements out;
    for (const auto& [k, v] : planned.map_elements()) {
      const Value* a = comparable && actual.type().is_map() ? actual.find_map_element(k) : nullptr;
      out.emplace(k, fill_unknowns(v, a ? *a : Value::null(v.type())));
    }
    return Value::map(t.element_type(), std::move(out));
  }
  // Lists and sets with unknown elements: take the actual collection when it fits.
  if (comparable && actual.type().conforms_to(t)) return actual;
  return Value::null(t);
}

}  // namespace sarga::resources::vm
