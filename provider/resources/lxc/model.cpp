#include "provider/resources/lxc/model.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace sarga::resources::lxc {
namespace {

using cty::Value;
using framework::Model;

Value str(const std::optional<std::string>& s) { return s ? Value::string(*s) : Value::null(cty::Type::string()); }

Value num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 9e15) return Value::number_int(static_cast<int64_t>(v));
  return Value::number_float(v);
}

Value opt_num(const std::optional<double>& v) { return v ? num(*v) : Value::null(cty::Type::number()); }

std::optional<double> get_num(const Model& m, std::string_view name) { return m.get_double(name); }

// PVE leaves out options at their default; an explicit default in the configuration and an
// absent key mean the same, so the configuration's spelling is kept.
Value same_or(const Value& prior, const std::optional<bool>& live, bool fallback) {
  bool now = live.value_or(fallback);
  if (prior.is_known() && !prior.is_null() && prior.as_bool() == now) return prior;
  return live ? Value::boolean(*live) : Value::null(cty::Type::boolean());
}

Value attr(const Value& object, std::string_view name) {
  if (!object.is_known() || object.is_null()) return Value::null(cty::Type::dynamic());
  const Value* v = object.find_attribute(name);
  return v ? *v : Value::null(cty::Type::dynamic());
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string> lowered_sorted(std::vector<std::string> v) {
  for (auto& s : v) s = lower(s);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

Spec spec_from_model(const Model& m) {
  Spec s;
  s.hostname = m.get_string("hostname");
  s.description = m.get_string("description");
  s.cores = m.get_int("cores");
  s.memory = m.get_int("memory").value_or(512);
  s.swap = m.get_int("swap").value_or(512);
  s.unprivileged = m.get_bool("unprivileged").value_or(true);
  if (Model f = m.get_object("features"); !f.is_null() && f.value().is_known()) {
    Features x;
    x.nesting = f.get_bool("nesting").value_or(false);
    x.keyctl = f.get_bool("keyctl").value_or(false);
    x.fuse = f.get_bool("fuse").value_or(false);
    s.features = x;
  }
  if (Model r = m.get_object("rootfs"); !r.is_null() && r.value().is_known()) {
    s.rootfs.storage = r.get_string("storage").value_or("");
    s.rootfs.size_gb = get_num(r, "size_gb").value_or(0);
  }
  if (Value mps = m.get("mount_points"); mps.is_known() && !mps.is_null()) {
    for (const auto& [slot, e] : mps.map_elements()) {
      Model x(e);
      MountPoint mp;
      mp.storage = x.get_string("storage");
      mp.volume = x.get_string("volume");
      mp.size_gb = get_num(x, "size_gb");
      mp.path = x.get_string("path").value_or("");
      mp.backup = x.get_bool("backup");
      mp.read_only = x.get_bool("read_only");
      s.mount_points[slot] = mp;
    }
  }
  if (Value net = m.get("network"); net.is_known() && !net.is_null()) {
    for (const auto& [name, e] : net.map_elements()) {
      Model x(e);
      NetDevice n;
      n.bridge = x.get_string("bridge").value_or("");
      n.vlan = x.get_int("vlan");
      n.ipv4 = x.get_string("ipv4");
      n.gateway4 = x.get_string("gateway4");
      n.ipv6 = x.get_string("ipv6");
      n.gateway6 = x.get_string("gateway6");
      n.firewall = x.get_bool("firewall");
      n.mac = x.get_string("mac");
      s.network[name] = n;
    }
  }
  s.on_boot = m.get_bool("on_boot").value_or(false);
  s.protection = m.get_bool("protection").value_or(false);
  s.tags = m.get_strings("tags").value_or(std::vector<std::string>{});
  return s;
}

void write_live(Model& state, const Spec& live, int vmid, bool running) {
  state.set("hostname", str(live.hostname));
  // PVE may hand the description back with a trailing newline; the same text is no change.
  auto prior_description = state.get_string("description");
  auto trimmed = [](std::string t) {
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    return t;
  };
  if (!(prior_description && live.description && trimmed(*prior_description) == trimmed(*live.description)))
    state.set("description", str(live.description));
  state.set("cores", live.cores ? Value::number_int(*live.cores) : Value::null(cty::Type::number()));
  state.set_int("memory", live.memory);
  state.set_int("swap", live.swap);
  state.set_bool("unprivileged", live.unprivileged);
  state.set_bool("on_boot", live.on_boot);
  state.set_bool("protection", live.protection);
  state.set_bool("started", running);

  // features: absent and "all false" are the same container.
  Value prior_features = state.get("features");
  Features f = live.features.value_or(Features{});
  bool any = f.nesting || f.keyctl || f.fuse;
  if (any || (prior_features.is_known() && !prior_features.is_null()))
    state.set("features", Value::object({{"nesting", Value::boolean(f.nesting)},
                                         {"keyctl", Value::boolean(f.keyctl)},
                                         {"fuse", Value::boolean(f.fuse)}}));
  else
    state.set("features", Value::null(prior_features.type()));

  state.set("rootfs", Value::object({{"storage", Value::string(live.rootfs.storage)},
                                     {"size_gb", num(live.rootfs.size_gb)}}));

  Value prior_mps = state.get("mount_points");
  const cty::Type& mp_type = prior_mps.type().element_type();
  Value::MapElements mps;
  for (const auto& [slot, mp] : live.mount_points) {
    Value prior = prior_mps.is_known() && !prior_mps.is_null() && prior_mps.find_map_element(slot)
                      ? *prior_mps.find_map_element(slot)
                      : Value();
    bool by_volume = !attr(prior, "volume").is_null() ||
                     (attr(prior, "storage").is_null() && !owned_volume(mp.volid, vmid));
    Value::Attributes a;
    a["storage"] = by_volume ? Value::null(cty::Type::string()) : Value::string(storage_of(mp.volid));
    a["volume"] = by_volume ? Value::string(mp.volid) : Value::null(cty::Type::string());
    a["size_gb"] = by_volume ? (attr(prior, "size_gb").is_null() ? Value::null(cty::Type::number()) : opt_num(mp.size_gb))
                             : opt_num(mp.size_gb);
    a["path"] = Value::string(mp.path);
    a["backup"] = same_or(attr(prior, "backup"), mp.backup, false);
    a["read_only"] = same_or(attr(prior, "read_only"), mp.read_only, false);
    mps[slot] = Value::object(std::move(a));
  }
  bool mp_was_null = prior_mps.is_null();
  state.set("mount_points", mps.empty() && mp_was_null ? Value::null(prior_mps.type()) : Value::map(mp_type, std::move(mps)));

  Value prior_net = state.get("network");
  const cty::Type& net_type = prior_net.type().element_type();
  Value::MapElements nets;
  for (const auto& [name, n] : live.network) {
    Value prior = prior_net.is_known() && !prior_net.is_null() && prior_net.find_map_element(name)
                      ? *prior_net.find_map_element(name)
                      : Value();
    Value::Attributes a;
    a["bridge"] = Value::string(n.bridge);
    a["vlan"] = n.vlan ? Value::number_int(*n.vlan) : Value::null(cty::Type::number());
    a["ipv4"] = str(n.ipv4);
    a["gateway4"] = str(n.gateway4);
    a["ipv6"] = str(n.ipv6);
    a["gateway6"] = str(n.gateway6);
    a["firewall"] = same_or(attr(prior, "firewall"), n.firewall, false);
    // PVE prints MACs upper-case; keep the configuration's case when it is the same address.
    Value pm = attr(prior, "mac");
    a["mac"] = pm.is_known() && !pm.is_null() && n.mac && lower(pm.as_string()) == lower(*n.mac) ? pm : str(n.mac);
    nets[name] = Value::object(std::move(a));
  }
  state.set("network", nets.empty() && prior_net.is_null() ? Value::null(prior_net.type())
                                                           : Value::map(net_type, std::move(nets)));

  // Tags: PVE lower-cases container tags; the configuration's spelling stays when equal.
  auto prior_tags = state.get_strings("tags");
  if (prior_tags && lowered_sorted(*prior_tags) == lowered_sorted(live.tags)) {
    // unchanged
  } else if (live.tags.empty()) {
    state.set_null("tags");
  } else {
    state.set_strings("tags", live.tags);
  }
}

}  // namespace sarga::resources::lxc
