// The pure parts of the "proxmox-vm-template" post-processor: names, the description line
// that makes publishing idempotent, the VM's hardware, and which old versions `keep` prunes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "builder/template/spec.h"
#include "lib/pve/client.h"

namespace sarga::publish {

// "qcow2" when the file starts with the qcow2 magic, else "raw".
std::string detect_image_format(const std::filesystem::path& image);

// "<name>-<first 12 hex of sha>.<format>": inside PVE's import pattern [a-zA-Z0-9-.+=_]+\.(qcow2|raw).
std::string import_filename(const std::string& name, const std::string& sha256, const std::string& format);

// The description line that identifies the image: "sarga-build sha256=<hex>".
std::string sha_line(const std::string& sha256);
// The hex of the sha line in a VM description, nullopt when there is none.
std::optional<std::string> sha_from_description(const std::string& description);
std::string vm_description(const std::string& build_name, const std::string& sha256, const std::string& image_file,
                           const std::string& built_at);

// ctime=<epoch> out of PVE's `meta` property ("creation-qemu=9.2.0,ctime=1700000000"), 0 when absent.
std::int64_t ctime_from_meta(const std::string& meta);

// The tags param: "sarga-build" plus `tags`, normalised as PVE stores them.
std::string vm_tags(const std::vector<std::string>& tags);

// Parameters of POST /nodes/{node}/qemu (without vmid) for a UEFI, cloud-init ready VM whose
// scsi0 is imported from `import_source` (a volume id or an absolute path on the node).
pve::Params vm_create_params(const tmpl::ProxmoxVmTemplateSettings& s, const std::string& name,
                             const std::string& import_source, const std::string& description);

struct PublishedTemplate {
  int vmid = 0;
  std::string node;
  std::int64_t ctime = 0;
  bool current = false;  // the version this run published or found
};
// The templates beyond the `keep` newest (the current one always counts as newest, then by
// ctime, then by vmid), in deletion order. keep 0 keeps all.
std::vector<PublishedTemplate> beyond_keep(std::vector<PublishedTemplate> templates, int keep);

}  // namespace sarga::publish
