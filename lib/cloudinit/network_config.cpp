#include "lib/cloudinit/network_config.h"

#include <set>
#include <string>

#include "lib/cloudinit/yaml_check.h"

namespace sarga::cloudinit {
namespace {

const std::set<std::string>& device_sections() {
  static const std::set<std::string> s = {"ethernets", "bonds",   "bridges",
                                          "vlans",     "wifis",   "tunnels",
                                          "vrfs",      "modems",  "dummy-devices",
                                          "virtual-ethernets", "nm-devices"};
  return s;
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

class Checker {
 public:
  Checker(const Path& path, Problems& out) : path_(path), out_(out) {}

  void fail(const YAML::Node& where, const std::string& what) {
    out_.push_back({path_, "Invalid network_config", line_of(where) + ": " + what});
  }

  void check_root(const YAML::Node& root) {
    if (!root.IsMap()) {
      out_.push_back({path_, "Invalid network_config",
                      "expected a mapping with \"version: 2\", got " + kind_name(root)});
      return;
    }
    YAML::Node version = root["version"];
    if (!version) {
      fail(root, "missing \"version: 2\"");
    } else if (!version.IsScalar() || version.Scalar() != "2") {
      std::string got = version.IsScalar() ? version.Scalar() : kind_name(version);
      fail(version, "version must be 2 (netplan format), got " + got +
                        (got == "1" ? "; version 1 is not supported, convert it to version 2" : ""));
    }
    for (const auto& kv : root) {
      std::string key = kv.first.Scalar();
      if (key == "version") continue;
      if (key == "renderer") {
        check_renderer(kv.second);
      } else if (device_sections().count(key)) {
        check_section(key, kv.second);
      } else {
        fail(kv.first, "unknown key \"" + key + "\"; expected version, renderer or one of: " +
                           joined(device_sections()));
      }
    }
  }

 private:
  void check_renderer(const YAML::Node& n) {
    if (!n.IsScalar() || (n.Scalar() != "networkd" && n.Scalar() != "NetworkManager"))
      fail(n, "renderer must be \"networkd\" or \"NetworkManager\"");
  }

  void check_section(const std::string& section, const YAML::Node& devices) {
    if (devices.IsNull()) return;
    if (!devices.IsMap()) {
      fail(devices, section + " must be a mapping of device names to settings, got " +
                        kind_name(devices));
      return;
    }
    for (const auto& dev : devices) {
      std::string name = section + "." + dev.first.Scalar();
      if (dev.second.IsNull()) continue;
      if (!dev.second.IsMap()) {
        fail(dev.second, name + " must be a mapping of settings, got " + kind_name(dev.second));
        continue;
      }
      check_device(name, dev.second);
    }
  }

  void check_device(const std::string& name, const YAML::Node& dev) {
    for (const char* flag : {"dhcp4", "dhcp6", "optional", "critical", "accept-ra"}) {
      YAML::Node v = dev[flag];
      if (v && !is_bool(v)) fail(v, name + "." + flag + " must be true or false");
    }
    if (YAML::Node addrs = dev["addresses"]) {
      if (!addrs.IsSequence()) {
        fail(addrs, name + ".addresses must be a list of addresses with prefix (10.0.0.5/24)");
      } else {
        for (const auto& a : addrs) {
          if (a.IsScalar() && a.Scalar().find('/') == std::string::npos)
            fail(a, name + ".addresses entry \"" + a.Scalar() +
                        "\" needs a prefix length, e.g. " + a.Scalar() + "/24");
          else if (!a.IsScalar() && !a.IsMap())
            fail(a, name + ".addresses entries must be strings");
        }
      }
    }
    if (YAML::Node ns = dev["nameservers"]) {
      if (!ns.IsMap()) {
        fail(ns, name + ".nameservers must be a mapping with addresses and search");
      } else {
        for (const auto& kv : ns) {
          std::string key = kv.first.Scalar();
          if (key != "addresses" && key != "search")
            fail(kv.first, name + ".nameservers has unknown key \"" + key +
                               "\"; expected addresses or search");
          else if (!kv.second.IsSequence())
            fail(kv.second, name + ".nameservers." + key + " must be a list");
        }
      }
    }
    if (YAML::Node routes = dev["routes"]; routes && !routes.IsSequence())
      fail(routes, name + ".routes must be a list of {to, via} mappings");
    if (YAML::Node match = dev["match"]; match && !match.IsMap())
      fail(match, name + ".match must be a mapping (macaddress, name, driver)");
  }

  static bool is_bool(const YAML::Node& n) {
    if (!n.IsScalar()) return false;
    static const std::set<std::string> words = {"true", "false", "True", "False", "TRUE",
                                                "FALSE", "yes", "no", "on", "off"};
    return words.count(n.Scalar()) > 0;
  }

  const Path& path_;
  Problems& out_;
};

}  // namespace

void validate_network_config(std::string_view text, const Path& path, Problems& out) {
  YamlParse parsed = parse_yaml(text);
  if (parsed.error) {
    out.push_back({path, "Invalid network_config YAML", *parsed.error});
    return;
  }
  const YAML::Node& doc = parsed.root;
  const YAML::Node root = (doc.IsMap() && doc.size() == 1 && doc["network"]) ? doc["network"] : doc;
  Checker(path, out).check_root(root);
}

}  // namespace sarga::cloudinit
