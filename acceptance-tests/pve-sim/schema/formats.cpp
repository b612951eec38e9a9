// PVE's named formats: the code-checked ones (pve-vmid, mac-addr, ...) and the named
// property-string formats the API dump refers to only by name (pve-qm-ipconfig, ...).
// Rules and messages follow pve-common JSONSchema.pm, pve-storage, qemu-server, pve-container.
#include <arpa/inet.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <unordered_map>

#include "acceptance-tests/pve-sim/schema/model.h"

namespace sarga::pvesim::schema {
namespace {

bool full_match(std::string_view v, const RE2& re) { return RE2::FullMatch(v, re); }

std::string quoted(std::string_view prefix, std::string_view v, std::string_view suffix) {
  std::string s(prefix);
  s += v;
  s += suffix;
  return s;
}

bool ipv4(std::string_view v) {
  std::string s(v);
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}
bool ipv6(std::string_view v) {
  std::string s(v);
  in6_addr a{};
  return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

// "addr/bits" with bits in (7, max]: PVE's CIDRv4/CIDRv6 rule.
bool cidr(std::string_view v, bool v6) {
  auto slash = v.find('/');
  if (slash == std::string_view::npos) return false;
  auto bits = v.substr(slash + 1);
  if (bits.empty() || bits.size() > 3) return false;
  for (char c : bits)
    if (c < '0' || c > '9') return false;
  int n = std::atoi(std::string(bits).c_str());
  if (n <= 7 || n > (v6 ? 128 : 32)) return false;
  return v6 ? ipv6(v.substr(0, slash)) : ipv4(v.substr(0, slash));
}

const RE2& re(const char* pattern) {
  // Patterns are string literals: cache by address, compile once.
  static std::mutex mu;
  static std::unordered_map<const char*, std::unique_ptr<RE2>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[pattern];
  if (!slot) slot = std::make_unique<RE2>(pattern);
  return *slot;
}

std::string f_vmid(std::string_view v) {
  static const RE2& r = re("[1-9][0-9]{2,8}");
  return full_match(v, r) ? "" : "value does not look like a valid VM ID\n";
}
std::string f_node(std::string_view v) {
  static const RE2& r = re("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?");
  return full_match(v, r) ? "" : "value does not look like a valid node name\n";
}
std::string parse_id(std::string_view v, std::string_view type) {
  static const RE2& r = re("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]");
  if (full_match(v, r)) return "";
  return std::string(type) + " ID '" + std::string(v) + "' contains illegal characters\n";
}
std::string f_storage_id(std::string_view v) { return parse_id(v, "storage"); }
std::string f_configid(std::string_view v) {
  static const RE2& r = re("(?i)[a-z][a-z0-9_-]+");
  return full_match(v, r) ? "" : quoted("invalid configuration ID '", v, "'\n");
}
std::string f_bridge(std::string_view v) {
  static const RE2& r = re("[-_.\\w\\d]+");
  return full_match(v, r) ? "" : quoted("invalid bridge ID '", v, "'\n");
}
std::string f_urlencoded(std::string_view v) {
  static const RE2& r = re("[-%a-zA-Z0-9_.!~*'()]*");
  return full_match(v, r) ? "" : quoted("invalid urlencoded string: ", v, "\n");
}
std::string f_mac(std::string_view v) {
  static const RE2& r = re("(?i)[a-f0-9][02468ace](?::[a-f0-9]{2}){5}");
  return full_match(v, r) ? "" : "value does not look like a valid unicast MAC address\n";
}
std::string f_ipv4(std::string_view v) {
  return ipv4(v) ? "" : "value does not look like a valid IPv4 address\n";
}
std::string f_ipv6(std::string_view v) {
  return ipv6(v) ? "" : "value does not look like a valid IPv6 address\n";
}
std::string f_ip(std::string_view v) {
  return ipv4(v) || ipv6(v) ? "" : "value does not look like a valid IP address\n";
}
std::string f_cidrv4(std::string_view v) {
  return cidr(v, false) ? "" : "value does not look like a valid IPv4 CIDR network\n";
}
std::string f_cidrv6(std::string_view v) {
  return cidr(v, true) ? "" : "value does not look like a valid IPv6 CIDR network\n";
}
std::string f_cidr(std::string_view v) {
  return cidr(v, false) || cidr(v, true) ? "" : "value does not look like a valid CIDR network\n";
}
std::string f_ipv4_config(std::string_view v) {
  return v == "dhcp" || v == "manual" || cidr(v, false)
             ? ""
             : "value does not look like a valid ipv4 network configuration\n";
}
std::string f_ipv6_config(std::string_view v) {
  return v == "auto" || v == "dhcp" || v == "manual" || cidr(v, true)
             ? ""
             : "value does not look like a valid ipv6 network configuration\n";
}
std::string f_ipv4mask(std::string_view v) {
  in_addr a{};
  if (inet_pton(AF_INET, std::string(v).c_str(), &a) == 1) {
    uint32_t m = ntohl(a.s_addr);
    if ((~m & (~m + 1)) == 0) return "";  // contiguous ones, then zeros
  }
  return "value does not look like a valid IP netmask\n";
}
constexpr const char* kEmailUser = "[\\w\\+\\-\\~]+(\\.[\\w\\+\\-\\~]+)*";
std::string f_email(std::string_view v) {
  static const RE2& r = re("[\\w\\+\\-\\~]+(\\.[\\w\\+\\-\\~]+)*@[a-zA-Z0-9\\-]+(\\.[a-zA-Z0-9\\-]+)*");
  return full_match(v, r) ? "" : "value does not look like a valid email address\n";
}
std::string f_email_or_username(std::string_view v) {
  static const RE2& r = re("[\\w\\+\\-\\~]+(\\.[\\w\\+\\-\\~]+)*@[a-zA-Z0-9\\-]+(\\.[a-zA-Z0-9\\-]+)*");
  static const RE2& u = re(kEmailUser);
  return full_match(v, r) || full_match(v, u)
             ? ""
             : "value does not look like a valid email address or user name\n";
}
bool dns_name(std::string_view v) {
  static const RE2& r =
      re("(([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)\\.)*([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)");
  return full_match(v, r);
}
std::string f_dns_name(std::string_view v) {
  return dns_name(v) ? "" : "value does not look like a valid DNS name\n";
}
std::string f_address(std::string_view v) {
  return ipv4(v) || ipv6(v) || dns_name(v)
             ? ""
             : quoted("value does not look like a valid address: ", v, "\n");
}
std::string f_disk_size(std::string_view v) {
  static const RE2& r = re("(\\d+(\\.\\d+)?)([KMGT])?");
  return full_match(v, r) ? "" : quoted("value does not look like a valid disk size: ", v, "\n");
}
std::string f_tag(std::string_view v) {
  static const RE2& r = re("(?i)[a-z0-9_][a-z0-9_\\-\\+\\.]*");
  return full_match(v, r) ? "" : "invalid characters in tag\n";
}
std::string f_iface(std::string_view v) {
  static const RE2& r = re("(?i)[a-z][a-z0-9_]{1,20}([:\\.]\\d+)?");
  return full_match(v, r) ? "" : quoted("invalid network interface name '", v, "'\n");
}
// pve-startup-order: "[order=]N,up=N,down=N" in any order, empty parts ignored.
std::string f_startup(std::string_view v) {
  static const RE2& order = re("(order=)?\\d+");
  static const RE2& up = re("up=\\d+");
  static const RE2& down = re("down=\\d+");
  static const RE2& blank = re("\\s*");
  bool ok = !v.empty() && v != "0";
  size_t start = 0;
  while (ok && start <= v.size()) {
    size_t comma = v.find(',', start);
    auto part = v.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!full_match(part, blank) && !full_match(part, order) && !full_match(part, up) &&
        !full_match(part, down))
      ok = false;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return ok ? "" : "unable to parse startup options\n";
}
// pve-storage: "storage:rest".
std::string f_volume_id(std::string_view v) {
  static const RE2& r = re("(?i)([a-z][a-z0-9\\-_.]*[a-z0-9]):(.+)");
  return full_match(v, r) ? "" : quoted("unable to parse volume ID '", v, "'\n");
}
std::string f_volume_id_or_absolute_path(std::string_view v) {
  if (!v.empty() && v.front() == '/') return "";
  return f_volume_id(v);
}
std::string f_volume_id_or_qm_path(std::string_view v) {
  if (v == "none" || v == "cdrom") return "";
  return f_volume_id_or_absolute_path(v);
}
// pve-container: no "/./", "/../", trailing "/." or "/..", leading "../".
std::string f_lxc_mp_string(std::string_view v) {
  static const RE2& inner = re("/\\.\\.?/");
  static const RE2& tail = re("/\\.\\.?$");
  static const RE2& head = re("^\\.\\./");
  if (RE2::PartialMatch(v, inner) || RE2::PartialMatch(v, tail) || RE2::PartialMatch(v, head))
    return std::string(v) + " contains illegal character sequences\n";
  return "";
}
// pve-access-control.
std::string f_poolid(std::string_view v) {
  static const RE2& r = re("[A-Za-z0-9\\.\\-_]+(?:/[A-Za-z0-9\\.\\-_]+){0,2}");
  return full_match(v, r) ? "" : quoted("pool name '", v, "' contains invalid characters\n");
}
std::string f_realm(std::string_view v) {
  static const RE2& r = re("[A-Za-z][A-Za-z0-9\\.\\-_]+");
  return full_match(v, r) ? "" : "value does not look like a valid realm\n";
}
// pve-access-control Auth/Plugin.pm verify_username (length counted in characters).
std::string f_userid(std::string_view v) {
  static const RE2& r = re("[^\\s:/]+@[A-Za-z][A-Za-z0-9\\.\\-_]+");
  size_t len = 0;
  for (unsigned char c : v)
    if ((c & 0xC0) != 0x80) ++len;
  if (len < 3) return quoted("user name '", v, "' is too short\n");
  if (len > 64) return quoted("user name '", v, "' is too long (" + std::to_string(len) + " > 64)\n");
  return full_match(v, r) ? "" : quoted("value '", v, "' does not look like a valid user name\n");
}
std::string f_groupid(std::string_view v) {
  static const RE2& r = re("[A-Za-z0-9\\.\\-_]+");
  return full_match(v, r) ? "" : quoted("group name '", v, "' contains invalid characters\n");
}
std::string f_roleid(std::string_view v) {
  static const RE2& r = re("[A-Za-z0-9\\.\\-_]+");
  return full_match(v, r) ? "" : quoted("role name '", v, "' contains invalid characters\n");
}
// A full API token ID: user@realm!name.
std::string f_tokenid(std::string_view v) {
  static const RE2& r = re("[^\\s:/]+@[A-Za-z][A-Za-z0-9\\.\\-_]+![A-Za-z][A-Za-z0-9\\.\\-_]+");
  return full_match(v, r) ? "" : quoted("value '", v, "' does not look like a valid token ID\n");
}
std::string f_storage_content(std::string_view v) {
  static const RE2& r = re("images|rootdir|vztmpl|iso|backup|snippets|import|none");
  return full_match(v, r) ? "" : quoted("invalid content type '", v, "'\n");
}
// pve-common: task list filter.
std::string f_task_status_type(std::string_view v) {
  static const RE2& r = re("(?i)ok|error|warning|unknown");
  return full_match(v, r) ? "" : quoted("invalid status '", v, "'\n");
}
// qemu-server: "1" (network,disk,usb), "0", or a list of features.
std::string f_hotplug(std::string_view v) {
  if (v == "0" || v == "1") return "";
  static const RE2& r = re("network|disk|cpu|memory|usb|cloudinit");
  for (const auto& f : split_list(v))
    if (!full_match(f, r)) return "invalid hotplug feature '" + f + "'\n";
  return "";
}
// qemu-server: a drive key such as scsi0.
std::string f_bootdisk(std::string_view v) {
  static const RE2& r = re("(ide[0-3]|sata[0-5]|scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])|efidisk0|tpmstate0)");
  return full_match(v, r) ? "" : quoted("invalid boot disk '", v, "'\n");
}
// qemu-server: a boot device is a disk key, netN, usbN or hostpciN (not efidisk/tpmstate).
std::string f_bootdev(std::string_view v) {
  static const RE2& r = re(
      "ide[0-3]|sata[0-5]|scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])|net([0-9]|[12][0-9]|3[01])|"
      "usb([0-9]|1[0-3])|hostpci([0-9]|1[0-5])");
  return full_match(v, r) ? "" : quoted("invalid boot device '", v, "'\n");
}
// pve-container: "host" or a zone name (the zone list itself is not checked here).
std::string f_ct_timezone(std::string_view v) {
  static const RE2& r = re("[A-Za-z][A-Za-z0-9_+\\-]*(/[A-Za-z0-9_+\\-]+)*");
  return v == "host" || full_match(v, r) ? "" : quoted("invalid time zone '", v, "'\n");
}
std::string f_any(std::string_view) { return ""; }

const std::unordered_map<std::string_view, FormatCheck>& checks() {
  static const std::unordered_map<std::string_view, FormatCheck> table = {
      {"pve-vmid", f_vmid},
      {"pve-node", f_node},
      {"pve-storage-id", f_storage_id},
      {"pve-configid", f_configid},
      {"pve-bridge-id", f_bridge},
      {"urlencoded", f_urlencoded},
      {"mac-addr", f_mac},
      {"ipv4", f_ipv4},
      {"ipv6", f_ipv6},
      {"ip", f_ip},
      {"CIDR", f_cidr},
      {"CIDRv4", f_cidrv4},
      {"CIDRv6", f_cidrv6},
      {"IPorCIDR", [](std::string_view v) -> std::string {
         return ipv4(v) || ipv6(v) || cidr(v, false) || cidr(v, true)
                    ? ""
                    : "value does not look like a valid IP address or CIDR network\n";
       }},
      {"ipv4mask", f_ipv4mask},
      {"pve-ipv4-config", f_ipv4_config},
      {"pve-ipv6-config", f_ipv6_config},
      {"email", f_email},
      {"email-opt", f_email},
      {"email-or-username", f_email_or_username},
      {"dns-name", f_dns_name},
      {"address", f_address},
      {"disk-size", f_disk_size},
      {"pve-tag", f_tag},
      {"pve-iface", f_iface},
      {"pve-startup-order", f_startup},
      {"pve-volume-id", f_volume_id},
      {"pve-volume-id-or-absolute-path", f_volume_id_or_absolute_path},
      {"pve-volume-id-or-qm-path", f_volume_id_or_qm_path},
      {"pve-lxc-mp-string", f_lxc_mp_string},
      {"pve-poolid", f_poolid},
      {"pve-realm", f_realm},
      {"pve-userid", f_userid},
      {"pve-tokenid", f_tokenid},
      {"pve-groupid", f_groupid},
      {"pve-roleid", f_roleid},
      {"pve-storage-content", f_storage_content},
      {"pve-task-status-type", f_task_status_type},
      {"pve-hotplug-features", f_hotplug},
      {"pve-qm-bootdisk", f_bootdisk},
      {"pve-qm-bootdev", f_bootdev},
      {"pve-ct-timezone", f_ct_timezone},
      {"string", f_any},
  };
  return table;
}

}  // namespace

FormatCheck find_format_check(std::string_view name) {
  auto& t = checks();
  auto it = t.find(name);
  return it == t.end() ? nullptr : it->second;
}

// PVE::Tools::split_list: "\0"-separated if it has a NUL, else split on [,; \s]+.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  if (text.find('\0') != std::string_view::npos) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t nul = text.find('\0', start);
      if (nul == std::string_view::npos) {
        if (start < text.size()) out.emplace_back(text.substr(start));
        break;
      }
      out.emplace_back(text.substr(start, nul - start));
      start = nul + 1;
    }
    return out;
  }
  std::string cur;
  for (char c : text) {
    if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Named property-string formats that the API dump names without describing. Written in
// the dump's own schema dialect and compiled like inline formats.
std::shared_ptr<const PropertyFormat> find_named_property_format(std::string_view name) {
  static const std::unordered_map<std::string_view, const char*> sources = {
      // qemu-server: cloud-init network config of one interface
      {"pve-qm-ipconfig",
       R"({"ip":{"type":"string","format":"pve-ipv4-config","optional":1},
           "gw":{"type":"string","format":"ipv4","optional":1},
           "ip6":{"type":"string","format":"pve-ipv6-config","optional":1},
           "gw6":{"type":"string","format":"ipv6","optional":1}})"},
      {"pve-qm-boot",
       R"({"legacy":{"type":"string","pattern":"[acdn]{1,4}","default_key":1,"optional":1},
           "order":{"type":"string","format":"pve-qm-bootdev-list","optional":1}})"},
      {"pve-qm-cicustom",
       R"({"meta":{"type":"string","format":"pve-volume-id","optional":1},
           "network":{"type":"string","format":"pve-volume-id","optional":1},
           "user":{"type":"string","format":"pve-volume-id","optional":1},
           "vendor":{"type":"string","format":"pve-volume-id","optional":1}})"},
      {"pve-qm-watchdog",
       R"({"model":{"type":"string","default_key":1,"enum":["i6300esb","ib700"],"default":"i6300esb","optional":1},
           "action":{"type":"string","enum":["reset","shutdown","poweroff","pause","debug","none"],"optional":1}})"},
      {"pve-qm-rng",
       R"({"source":{"type":"string","default_key":1,"enum":["/dev/urandom","/dev/random","/dev/hwrng"]},
           "max_bytes":{"type":"integer","optional":1,"default":1024},
           "period":{"type":"integer","optional":1,"default":1000}})"},
      {"pve-vm-cpu-conf",
       R"({"cputype":{"type":"string","default_key":1,"optional":1,"default":"kvm64"},
           "flags":{"type":"string","optional":1,"pattern":"(?:[+-][a-zA-Z0-9\\-_\\.]+)(?:;(?:[+-][a-zA-Z0-9\\-_\\.]+))*"},
           "hidden":{"type":"boolean","optional":1,"default":0},
           "hv-vendor-id":{"type":"string","optional":1,"pattern":"[a-zA-Z0-9]{1,12}"},
           "phys-bits":{"type":"string","optional":1},
           "reported-model":{"type":"string","optional":1}})"},
      {"pve-qm-smbios1",
       R"({"base64":{"type":"boolean","optional":1},"family":{"type":"string","optional":1},
           "manufacturer":{"type":"string","optional":1},"product":{"type":"string","optional":1},
           "serial":{"type":"string","optional":1},"sku":{"type":"string","optional":1},
           "uuid":{"type":"string","optional":1,"pattern":"[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}"},
           "version":{"type":"string","optional":1}})"},
  };
  static std::mutex mu;
  static std::unordered_map<std::string_view, std::shared_ptr<const PropertyFormat>> built;
  auto src = sources.find(name);
  if (src == sources.end()) return nullptr;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = built[name];
  if (!slot) {
    Prop holder;
    nlohmann::json j = {{"type", "string"}, {"format", nlohmann::json::parse(src->second)}};
    compile_prop(j, holder, std::string("named format ") + std::string(name));
    slot = holder.property_format;
  }
  return slot;
}

}  // namespace sarga::pvesim::schema
