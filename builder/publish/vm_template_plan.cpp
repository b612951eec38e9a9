#include "builder/publish/vm_template_plan.h"

#include <algorithm>
#include <fstream>
#include <regex>

#include "lib/pve/guests.h"

namespace sarga::publish {

std::string detect_image_format(const std::filesystem::path& image) {
  char magic[4] = {};
  std::ifstream in(image, std::ios::binary);
  if (!in) throw std::runtime_error("proxmox-vm-template: cannot read image " + image.string());
  in.read(magic, sizeof magic);
  return in.gcount() == 4 && std::string(magic, 4) == std::string("QFI\xfb", 4) ? "qcow2" : "raw";
}

std::string import_filename(const std::string& name, const std::string& sha256, const std::string& format) {
  return name + "-" + sha256.substr(0, 12) + "." + format;
}

std::string sha_line(const std::string& sha256) { return "sarga-build sha256=" + sha256; }

std::optional<std::string> sha_from_description(const std::string& description) {
  static const std::regex line("(^|\n)sarga-build sha256=([0-9a-f]{64})[ \t\r]*(\n|$)");
  std::smatch m;
  if (!std::regex_search(description, m, line)) return std::nullopt;
  return m[2].str();
}

std::string vm_description(const std::string& build_name, const std::string& sha256, const std::string& image_file,
                           const std::string& built_at) {
  return "Built by sarga-build: " + build_name + "\n" + sha_line(sha256) + "\nimage: " + image_file +
         "\npublished: " + built_at + "\n";
}

std::int64_t ctime_from_meta(const std::string& meta) {
  static const std::regex re("(^|,)ctime=(\\d+)(,|$)");
  std::smatch m;
  return std::regex_search(meta, m, re) ? std::stoll(m[2].str()) : 0;
}

std::string vm_tags(const std::vector<std::string>& tags) {
  std::string all = "sarga-build";
  for (const auto& t : tags) all += ";" + t;
  return pve::join_tags(pve::normalise_tags(all));
}

pve::Params vm_create_params(const tmpl::ProxmoxVmTemplateSettings& s, const std::string& name,
                             const std::string& import_source, const std::string& description) {
  // Hardware for a cloud image booting with systemd-boot from its ESP: OVMF without
  // pre-enrolled keys (our loader is unsigned), the serial console cloud images expect.
  return {{"name", name},
          {"bios", "ovmf"},
          {"machine", "q35"},
          {"efidisk0", s.storage + ":1,efitype=4m,pre-enrolled-keys=0"},
          {"scsihw", "virtio-scsi-single"},
          {"scsi0", s.storage + ":0,import-from=" + import_source},
          {"ide2", s.storage + ":cloudinit"},
          {"boot", "order=scsi0"},
          {"serial0", "socket"},
          {"vga", "serial0"},
          {"agent", "enabled=1"},
          {"ostype", "l26"},
          {"memory", std::to_string(s.memory_mib)},
          {"cores", std::to_string(s.cores)},
          {"net0", "virtio,bridge=" + s.bridge},
          {"tags", vm_tags(s.tags)},
          {"description", description}};
}

std::vector<PublishedTemplate> beyond_keep(std::vector<PublishedTemplate> templates, int keep) {
  if (keep <= 0 || templates.size() <= static_cast<size_t>(keep)) return {};
  std::sort(templates.begin(), templates.end(), [](const PublishedTemplate& a, const PublishedTemplate& b) {
    if (a.current != b.current) return a.current;
    if (a.ctime != b.ctime) return a.ctime > b.ctime;
    return a.vmid > b.vmid;
  });
  return {templates.begin() + keep, templates.end()};
}

}  // namespace sarga::publish
