#include <stdexcept>

#include "builder/outputs/outputs.h"
#include "builder/steps/rootfs.h"
#include "lib/artifact/hash.h"
#include "lib/artifact/tar_writer.h"

namespace fs = std::filesystem;

namespace sarga::outputs {

namespace {
std::string extension(tmpl::Compression c) {
  switch (c) {
    case tmpl::Compression::zst: return ".tar.zst";
    case tmpl::Compression::xz: return ".tar.xz";
    case tmpl::Compression::gz: return ".tar.gz";
  }
  return ".tar.zst";
}
artifact::Compression codec(tmpl::Compression c) {
  switch (c) {
    case tmpl::Compression::zst: return artifact::Compression::zstd;
    case tmpl::Compression::xz: return artifact::Compression::xz;
    case tmpl::Compression::gz: return artifact::Compression::gzip;
  }
  return artifact::Compression::zstd;
}
// Proxmox's storage layer only accepts [A-Za-z0-9_.+-] style names; keep to that.
std::string sanitise(std::string s) {
  for (auto& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+')) c = '-';
  return s;
}
}  // namespace

std::string lxc_template_filename(const OsRelease& os, const std::string& build_name, const std::string& version,
                                  const std::string& arch, tmpl::Compression format, const std::string& explicit_name) {
  if (!explicit_name.empty()) return explicit_name + extension(format);
  std::string major = os.version_id.substr(0, os.version_id.find('.'));
  if (os.id == "ubuntu") major = os.version_id;  // 24.04 keeps its dot
  std::string prefix = os.id + (major.empty() ? "" : "-" + major) + "-";
  std::string name = sanitise(build_name);
  if (name.rfind(prefix, 0) == 0) prefix.clear();
  return prefix + name + "_" + sanitise(version.empty() ? "1.0" : version) + "_" + arch + extension(format);
}

ArchiveResult write_lxc_template(const fs::path& rootfs, const fs::path& output_dir,
                                 const tmpl::LxcTemplateSettings& settings, const std::string& build_name,
                                 std::int64_t source_date_epoch) {
  OsRelease os = read_os_release(rootfs);
  steps::Rootfs r(rootfs);
  if (!r.exists("/sbin")) throw std::runtime_error(rootfs.string() + ": no /sbin (Proxmox refuses such templates)");
  std::string arch = rootfs_architecture(rootfs);
  fs::create_directories(output_dir);
  ArchiveResult result;
  result.path = output_dir / lxc_template_filename(os, build_name, settings.version, arch, settings.format, settings.name);
  artifact::TarWriteOptions o;
  o.compression = codec(settings.format);
  o.source_date_epoch = source_date_epoch;
  if (settings.level) o.level = *settings.level;
  auto stats = artifact::write_rootfs_archive(rootfs, result.path, o);
  result.entries = stats.entries;
  result.sha256 = artifact::sha256_file(result.path);
  result.size = fs::file_size(result.path);
  return result;
}

}  // namespace sarga::outputs
