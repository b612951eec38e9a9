#include "provider/resources/vm/validate.h"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "provider/resources/proxmox/client.h"
#include "provider/resources/vm/pve_mapping.h"

namespace sarga::resources::vm {
namespace {

using cty::Path;
using cty::Value;

// Set in the config (an unknown value counts: it will be set).
bool present(const Value& object, std::string_view name) {
  if (!object.is_known() || object.is_null()) return false;
  const Value* a = object.find_attribute(name);
  return a && !a->is_null();
}

const Value* known(const Value& object, std::string_view name) {
  if (!object.is_known() || object.is_null()) return nullptr;
  const Value* a = object.find_attribute(name);
  return a && a->is_known() && !a->is_null() ? a : nullptr;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void check_duration(const Value& object, std::string_view name, const Path& path, framework::Diagnostics& d) {
  if (const Value* v = known(object, name))
    if (!proxmox::parse_duration(v->as_string()))
      d.error(path, "Invalid duration", path.to_string() + ": \"" + v->as_string() +
                                            "\" is not a duration like 30s, 10m or 1h30m");
}

}  // namespace

void validate_config(const framework::Model& config, framework::Diagnostics& d) {
  const Value& root = config.value();
  if (!root.is_known() || root.is_null()) return;

  if (present(root, "vmid") && present(root, "vmid_range"))
    d.error(Path().attribute("vmid_range"), "Conflicting arguments", "set either vmid or vmid_range, not both");
  if (const Value* r = known(root, "vmid_range")) {
    const Value* from = known(*r, "from");
    const Value* to = known(*r, "to");
    if (from && to && from->as_double() > to->as_double())
      d.error(Path().attribute("vmid_range"), "Invalid VMID range", "vmid_range.from must not be larger than vmid_range.to");
  }

  if (const Value* tags = known(root, "tags"); tags && tags->is_wholly_known()) {
    std::set<std::string> seen;
    for (const Value& t : tags->elements()) {
      std::string problem = proxmox::tag_problem(t.as_string());
      if (!problem.empty()) d.error(Path().attribute("tags"), "Invalid tag", "tags: \"" + t.as_string() + "\": " + problem);
      if (!seen.insert(lower(t.as_string())).second)
        d.error(Path().attribute("tags"), "Duplicate tag",
                "tags: \"" + t.as_string() + "\" appears twice ignoring case; Proxmox keeps one");
    }
  }

  if (known(root, "clone")) {
    const Value& c = *known(root, "clone");
    bool by_id = present(c, "source_vmid"), by_name = present(c, "source_name");
    if (by_id == by_name)
      d.error(Path().attribute("clone"), "Invalid clone source", "set exactly one of clone.source_vmid or clone.source_name");
    const Value* full = known(c, "full");
    if (full && !full->as_bool() && present(c, "target_storage"))
      d.error(Path().attribute("clone").attribute("target_storage"), "Conflicting arguments",
              "clone.target_storage only applies to full clones (a linked clone stays on the template's storage)");
  }

  if (const Value* ci = known(root, "cloud_init")) {
    if (present(*ci, "seed_volume"))
      for (const char* native : {"user", "password", "ssh_keys", "ipconfig", "dns_servers", "search_domain", "storage"})
        if (present(*ci, native))
          d.error(Path().attribute("cloud_init").attribute(native), "Conflicting arguments",
                  std::string("cloud_init.") + native +
                      " is part of Proxmox's native cloud-init; with seed_volume the seed ISO carries that data");
    if (const Value* ip = known(*ci, "ipconfig"))
      for (const auto& [nic, _] : ip->map_elements())
        if (nic.rfind("net", 0) != 0 || nic.size() < 4 ||
            !std::all_of(nic.begin() + 3, nic.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }))
          d.error(Path().attribute("cloud_init").attribute("ipconfig").key(nic), "Invalid ipconfig key",
                  "cloud_init.ipconfig[\"" + nic + "\"]: keys are NIC slots like net0");
  }

  if (const Value* pci = known(root, "hostpci")) {
    static const std::regex slot("^hostpci([0-9]|1[0-5])$");
    for (const auto& [key, h] : pci->map_elements()) {
      Path at = Path().attribute("hostpci").key(key);
      if (!std::regex_match(key, slot)) d.error(at, "Invalid hostpci slot", "hostpci[\"" + key + "\"]: use hostpci0..hostpci15");
      if (present(h, "mapping") == present(h, "id"))
        d.error(at, "Invalid hostpci device", "hostpci[\"" + key + "\"]: set exactly one of mapping or id");
    }
  }

  if (const Value* agent = known(root, "agent"))
    if (const Value* w = known(*agent, "wait_for_ip")) {
      check_duration(*w, "timeout", Path().attribute("agent").attribute("wait_for_ip").attribute("timeout"), d);
      if (const Value* en = known(*agent, "enabled"); en && !en->as_bool())
        d.error(Path().attribute("agent").attribute("wait_for_ip"), "Agent disabled",
                "agent.wait_for_ip needs agent.enabled = true: addresses come from the guest agent");
    }

  if (const Value* t = known(root, "timeouts"))
    for (const char* which : {"create", "update", "delete"})
      check_duration(*t, which, Path().attribute("timeouts").attribute(which), d);

  if (const Value* disks = known(root, "disks"))
    for (const auto& [slot, disk] : disks->map_elements())
      if (const Value* size = known(disk, "size_gb"); size && size->as_double() <= 0)
        d.error(Path().attribute("disks").key(slot).attribute("size_gb"), "Invalid disk size",
                "disks[\"" + slot + "\"].size_gb must be positive");
}

void check_plan_against_state(const Vm& prior, const framework::Model& plan, framework::Diagnostics& d) {
  const Value* disks = known(plan.value(), "disks");
  if (!disks || !prior.disks) return;
  for (const auto& [slot, disk] : disks->map_elements()) {
    auto was = prior.disks->find(slot);
    if (was == prior.disks->end()) continue;
    Path at = Path().attribute("disks").key(slot);
    if (const Value* size = known(disk, "size_gb"); size && was->second.size_gb &&
                                                   size->as_double() + 1.0 / 1024 < *was->second.size_gb)
      d.error(at.attribute("size_gb"), "Disks cannot shrink",
              "disks[\"" + slot + "\"].size_gb is " + format_gib(size->as_double()) + " but the disk has " +
                  format_gib(*was->second.size_gb) + " GiB; Proxmox cannot shrink disks. Set size_gb to at least that.");
    if (const Value* st = known(disk, "storage"); st && was->second.storage && st->as_string() != *was->second.storage)
      d.error(at.attribute("storage"), "Cannot move a disk",
              "disks[\"" + slot + "\"].storage: the disk is on '" + *was->second.storage + "'; moving it to '" +
                  st->as_string() + "' is not supported");
  }
}

}  // namespace sarga::resources::vm
