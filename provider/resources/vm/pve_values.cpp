#include "provider/resources/vm/pve_values.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <regex>

#include "provider/resources/vm/pve_mapping.h"

namespace sarga::resources::vm::detail {


std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

opt<std::string> get(const pve::GuestConfig& c, const std::string& key) {
  auto it = c.values.find(key);
  return it == c.values.end() ? std::nullopt : opt<std::string>(it->second);
}

opt<int64_t> to_int(const opt<std::string>& s) {
  if (!s || s->empty()) return std::nullopt;
  try {
    return static_cast<int64_t>(std::llround(std::stod(*s)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

PropString props(const std::string& text, std::string_view default_key) {
  try {
    return pve::parse_prop_string(text, default_key);
  } catch (const std::exception&) {
    PropString p;
    p.first = text;  // unparsable: treat the whole value as the positional part
    return p;
  }
}

// The positional value, or the value of `key` given as key=value.
opt<std::string> first_or(const PropString& p, std::string_view key) {
  if (p.first) return p.first;
  return p.get(key);
}

bool same_props(const std::string& a, const std::string& b, std::string_view default_key) {
  PropString pa = props(a, default_key), pb = props(b, default_key);
  auto sorted = [](std::vector<std::pair<std::string, std::string>> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  return first_or(pa, default_key) == first_or(pb, default_key) &&
         sorted(pa.items) == sorted(pb.items);
}

void set_flag(PropString& p, const std::string& key, const opt<bool>& v, bool pve_default) {
  if (!v) return;
  if (*v == pve_default)
    p.erase(key);
  else
    p.set(key, *v ? "1" : "0");
}

std::string volume_storage(const std::string& volume) {
  size_t colon = volume.find(':');
  return colon == std::string::npos ? std::string() : volume.substr(0, colon);
}

bool is_cdrom_value(const PropString& p) {
  return p.get("media") == "cdrom" || p.first == "cdrom" || p.first == "none";
}

bool is_cloudinit_volume(const std::string& volume) {
  return volume.find("cloudinit") != std::string::npos;
}

namespace {
const std::regex& slot_regex() {
  static const std::regex re("^(scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])|sata[0-5]|ide[0-3])$");
  return re;
}
}  // namespace

std::string ipconfig_value(const IpConfig& ip) {
  PropString p;
  if (ip.ipv4) p.set("ip", *ip.ipv4);
  if (ip.gateway4) p.set("gw", *ip.gateway4);
  if (ip.ipv6) p.set("ip6", *ip.ipv6);
  if (ip.gateway6) p.set("gw6", *ip.gateway6);
  return pve::format_prop_string(p);
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::vector<std::string> split_blank(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == ';' || c == '\t' || c == '\n') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

Nic observe_nic(const PropString& p) {
  Nic n;
  // "virtio=BC:24:11:00:00:01,bridge=vmbr0" or "model=virtio,macaddr=..,bridge=.."
  std::string first = p.first.value_or("");
  size_t eq = first.find('=');
  if (eq != std::string::npos) {
    n.model = first.substr(0, eq);
    n.mac = first.substr(eq + 1);
  } else if (!first.empty()) {
    n.model = first;
  }
  if (auto m = p.get("model")) n.model = *m;
  if (auto m = p.get("macaddr")) n.mac = *m;
  for (const char* model : {"virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"})
    if (auto m = p.get(model)) {
      n.model = model;
      n.mac = *m;
    }
  n.bridge = p.get("bridge");
  n.vlan = to_int(p.get("tag"));
  n.firewall = parse_bool(p.get("firewall").value_or("0"));
  n.mtu = to_int(p.get("mtu"));
  return n;
}

std::string pci_value(const HostPci& h, const opt<std::string>& current) {
  PropString p = current ? props(*current, "host") : PropString{};
  if (h.mapping) {
    p.first.reset();
    p.erase("host");
    p.set("mapping", *h.mapping);
  } else if (h.id) {
    p.erase("mapping");
    p.erase("host");
    p.first = *h.id;
  }
  auto flag = [&](const char* key, const opt<bool>& v) {
    if (v)
      p.set(key, *v ? "1" : "0");
    else
      p.erase(key);
  };
  flag("pcie", h.pcie);
  flag("x-vga", h.x_vga);
  flag("rombar", h.rombar);
  return pve::format_prop_string(p);
}

}  // namespace sarga::resources::vm::detail

namespace sarga::resources::vm {

using namespace detail;

bool is_disk_slot(const std::string& key) { return std::regex_match(key, slot_regex()); }

bool parse_bool(const std::string& text) {
  std::string t = lower(text);
  return t == "1" || t == "on" || t == "yes" || t == "true";
}

std::string encode_ssh_keys(const std::vector<std::string>& keys) {
  std::string text = join(keys, "\n");
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::vector<std::string> decode_ssh_keys(const std::string& text) {
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() + 0 && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      plain.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      plain.push_back(text[i]);
    }
  }
  std::vector<std::string> out;
  std::string line;
  for (char c : plain + "\n") {
    if (c == '\n') {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) out.push_back(line);
      line.clear();
    } else {
      line.push_back(c);
    }
  }
  return out;
}

std::string format_gib(double gib) {
  if (gib == std::floor(gib)) return std::to_string(static_cast<int64_t>(gib));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", gib);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::vector<std::string> tags_in_prior_spelling(const std::vector<std::string>& observed,
                                                const std::vector<std::string>& prior) {
  std::vector<std::string> out;
  for (const auto& t : observed) {
    std::string shown = t;
    for (const auto& p : prior)
      if (lower(p) == lower(t)) shown = p;
    out.push_back(shown);
  }
  return out;
}

std::string ConfigChange::delete_param() const { return join(del, ","); }

}  // namespace sarga::resources::vm
