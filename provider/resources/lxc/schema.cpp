#include "provider/resources/lxc/schema.h"

#include <functional>
#include <regex>

#include "provider/framework/validators.h"

namespace sarga::resources::lxc {

using framework::Attribute;
using framework::Nesting;
namespace v = framework::validators;

namespace {

std::string slot_pattern_problem(const std::string& key, const std::string& prefix, int max) {
  if (key.size() <= prefix.size() || key.compare(0, prefix.size(), prefix) != 0)
    return "key '" + key + "' must be " + prefix + "0.." + prefix + std::to_string(max);
  std::string digits = key.substr(prefix.size());
  if (digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos ||
      (digits.size() > 1 && digits[0] == '0') || std::stoi(digits) > max)
    return "key '" + key + "' must be " + prefix + "0.." + prefix + std::to_string(max);
  return {};
}

framework::Validator map_keys(std::function<std::string(const std::string&)> problem) {
  return [problem](const cty::Value& value, const cty::Path& path, framework::Diagnostics& d) {
    for (const auto& [key, elem] : value.map_elements())
      if (std::string p = problem(key); !p.empty()) d.error(path.key(key), "Invalid key", p);
  };
}

}  // namespace

framework::Schema lxc_schema() {
  framework::Schema s;
  s.description =
      "An LXC container on a Proxmox VE node, created from a container template volume (for "
      "example one published by `sarga-build`). Mount points are keyed by slot and network "
      "interfaces by name, so reordering never shows a diff; root filesystem and mount point "
      "sizes grow in place, a shrink or a storage move is refused at plan time instead of "
      "replacing the container. The state is read from the node's `config` and `status/current` "
      "(never from the lagging `/cluster/resources`). Import with `node/vmid`: "
      "`tofu import sarga_lxc.web pve1/120`.";
  s.block.attributes = {
      Attribute::string("id").computed().use_state_for_unknown().describe("`node/vmid`."),
      Attribute::string("node").required().requires_replace().describe(
          "Node that runs the container. Changing it replaces the container. A container migrated "
          "outside OpenTofu (HA, by hand) is found on its new node, and the plan asks to set `node` "
          "to it instead of replacing it."),
      Attribute::number("vmid")
          .optional()
          .computed()
          .requires_replace()
          .use_state_for_unknown()
          .validate(v::int_between(100, 999999999))
          .describe("Container ID. When unset a free one is allocated (see `vmid_range`), safely under "
                    "parallel creates: the create itself is tried and the next candidate taken when PVE "
                    "answers that the ID exists."),
      Attribute::nested("vmid_range", Nesting::Single,
                        {Attribute::number("from").required().validate(v::int_between(100, 999999999)).describe(
                             "Lowest ID to allocate."),
                         Attribute::number("to").required().validate(v::int_between(100, 999999999)).describe(
                             "Highest ID to allocate."),
                         Attribute::boolean("random").optional().describe(
                             "Pick IDs at random in the range instead of the next free one (fewer collisions "
                             "between several OpenTofu runs).")})
          .optional()
          .describe("Where an unset `vmid` is allocated. Only used at create."),
      Attribute::string("hostname")
          .optional()
          .computed()
          .use_state_for_unknown()
          .validate(v::matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?", "a DNS name"))
          .describe("Host name inside the container (PVE default: `CT<vmid>`)."),
      Attribute::string("template").required().describe(
          "Volume ID of the container template (`ostemplate`), e.g. "
          "`local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst` or `data.sarga_template.x.volume_id`. "
          "Changing it replaces the container (the template is only read at create; after an import "
          "the first value set is just recorded)."),
      Attribute::boolean("unprivileged")
          .optional()
          .default_value(cty::Value::boolean(true))
          .requires_replace()
          .describe("Run with user namespaces (root in the container is not root on the host). "
                    "Changing it replaces the container."),
      Attribute::nested("features", Nesting::Single,
                        {Attribute::boolean("nesting").optional().default_value(cty::Value::boolean(false)).describe(
                             "Allow nested containers (needed by systemd-based and Docker guests)."),
                         Attribute::boolean("keyctl").optional().default_value(cty::Value::boolean(false)).describe(
                             "Allow the keyctl() system call (unprivileged containers running Docker)."),
                         Attribute::boolean("fuse").optional().default_value(cty::Value::boolean(false)).describe(
                             "Allow FUSE mounts.")})
          .optional()
          .describe("Container features. A change applies at the next start (see `reboot_after_update`)."),
      Attribute::number("cores").optional().validate(v::int_between(1, 8192)).describe(
          "CPU cores visible to the container (unset: all host cores)."),
      Attribute::number("memory")
          .optional()
          .default_value(cty::Value::number_int(512))
          .validate(v::int_between(16, 268435456))
          .describe("Memory in MiB."),
      Attribute::number("swap")
          .optional()
          .default_value(cty::Value::number_int(512))
          .validate(v::int_between(0, 268435456))
          .describe("Swap in MiB."),
      Attribute::nested("rootfs", Nesting::Single,
                        {Attribute::string("storage").required().describe(
                             "Storage for the root filesystem volume (content type `rootdir`)."),
                         Attribute::number("size_gb").required().describe(
                             "Size in GiB. Grows in place; a smaller value is an error at plan time.")})
          .required()
          .describe("Root filesystem. Moving it to another storage is refused at plan time (no replace, no data "
                    "loss): move the volume in Proxmox, then update the configuration."),
      Attribute::nested("mount_points", Nesting::Map,
                        {Attribute::string("storage").optional().describe(
                             "Allocate a new volume of `size_gb` on this storage."),
                         Attribute::string("volume").optional().describe(
                             "Mount an existing volume (`local-lvm:vm-100-disk-3`) instead of a new one."),
                         Attribute::number("size_gb").optional().describe(
                             "Size in GiB (with `storage`). Grows in place; shrinking is refused at plan time."),
                         Attribute::string("path").required().validate(v::absolute_path()).describe(
                             "Mount path inside the container."),
                         Attribute::boolean("backup").optional().describe("Include the volume in backups."),
                         Attribute::boolean("read_only").optional().describe("Mount read-only.")})
          .optional()
          .validate(map_keys([](const std::string& k) { return slot_pattern_problem(k, "mp", 255); }))
          .describe("Mount points keyed by slot (`mp0`..`mp255`). Removing one detaches its volume (PVE keeps it "
                    "as an `unused` volume of the container); a mount point added to a running container "
                    "that PVE cannot hot-plug is applied by a restart (see `reboot_after_update`)."),
      Attribute::nested(
          "network", Nesting::Map,
          {Attribute::string("bridge").required().describe("Host bridge, e.g. `vmbr0`."),
           Attribute::number("vlan").optional().validate(v::int_between(1, 4094)).describe("VLAN tag."),
           Attribute::string("ipv4").optional().describe("`dhcp`, `manual` or an address in CIDR form "
                                                         "(`10.0.0.5/24`)."),
           Attribute::string("gateway4").optional().describe("IPv4 gateway."),
           Attribute::string("ipv6").optional().describe("`dhcp`, `auto`, `manual` or an address in CIDR form."),
           Attribute::string("gateway6").optional().describe("IPv6 gateway."),
           Attribute::boolean("firewall").optional().describe("Enable the PVE firewall on this interface."),
           Attribute::string("mac")
               .optional()
               .computed()
               .use_state_for_unknown()
               .validate(v::matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}", "a MAC address"))
               .describe("MAC address (generated by PVE when unset).")})
          .optional()
          .validate(map_keys([](const std::string& k) {
            static const std::regex name("[A-Za-z][A-Za-z0-9_.-]{0,14}");
            return std::regex_match(k, name) ? std::string()
                                             : "interface name '" + k + "' must be 1-15 letters, digits, '_', '.' or '-'";
          }))
          .describe("Network interfaces keyed by their name inside the container (`eth0`); PVE slots "
                    "(`net0`..) are assigned and kept for you."),
      Attribute::list_of("ssh_public_keys", cty::Type::string())
          .optional()
          .describe("SSH public keys for root, installed at create (PVE has no API to change them later: a "
                    "change replaces the container)."),
      Attribute::string("password")
          .optional()
          .sensitive()
          .write_only()
          .validate(v::string_length(5, 4096))
          .describe("Root password, set at create only."),
      Attribute::boolean("started").optional().default_value(cty::Value::boolean(true)).describe(
          "Whether the container runs."),
      Attribute::boolean("on_boot").optional().default_value(cty::Value::boolean(false)).describe(
          "Start the container when the node boots."),
      Attribute::set_of("tags", cty::Type::string())
          .optional()
          .describe("Tags. PVE stores container tags lower-cased and sorted; `Web` and `web` are the same tag "
                    "here, so there is no perpetual diff."),
      Attribute::string("pool").optional().describe("Resource pool the container belongs to."),
      Attribute::boolean("protection").optional().default_value(cty::Value::boolean(false)).describe(
          "Protect the container and its volumes from removal. Destroying a protected container fails with "
          "a clear error: set `protection = false` first."),
      Attribute::string("description").optional().describe("Notes shown in the PVE web interface."),
      Attribute::boolean("reboot_after_update")
          .optional()
          .default_value(cty::Value::boolean(true))
          .describe("Restart a running container when an update left changes pending (features, a mount point "
                    "PVE could not hot-plug). When false the changes wait for the next restart, with a warning."),
      Attribute::nested("timeouts", Nesting::Single,
                        {Attribute::string("create").optional().describe("Create and first start (default `10m`)."),
                         Attribute::string("update").optional().describe("Update (default `10m`)."),
                         Attribute::string("delete").optional().describe("Stop and destroy (default `10m`).")})
          .optional()
          .describe("How long to wait for PVE tasks."),
  };
  return s;
}

}  // namespace sarga::resources::lxc
