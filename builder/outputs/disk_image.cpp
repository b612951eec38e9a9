// write_disk_image: the steps in order. A sparse raw file gets the GPT, the ESP and one ext4
// per partition (the rootfs minus the declared mountpoints for the root), then becomes qcow2
// if asked. The result appears at `dest` only when complete (temp name + rename).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"
#include "lib/artifact/hash.h"

namespace fs = std::filesystem;

namespace sarga::outputs {

namespace {

void create_sparse(const fs::path& p, std::uint64_t size) {
  fs::remove(p);
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + p.string());
  int rc = ::ftruncate(fd, static_cast<off_t>(size));
  ::close(fd);
  if (rc != 0) throw std::runtime_error("cannot size " + p.string());
}

std::string mib(std::uint64_t sectors) { return std::to_string(sectors / disk::kSectorsPerMiB) + "M"; }

}  // namespace

DiskImageResult write_disk_image(const fs::path& rootfs, const DiskLayout& layout, const tmpl::DiskImageSettings& s,
                                 const fs::path& dest, const fs::path& work_dir, std::int64_t sde,
                                 const std::function<void(const std::string&)>& log_fn) {
  auto log = [&](const std::string& line) {
    if (log_fn) log_fn(line);
  };
  if (layout.partitions.empty() || layout.partitions.front().fs_type != "vfat")
    throw std::invalid_argument("disk layout: the first partition must be the ESP (use plan_disk_layout)");
  auto started = std::chrono::steady_clock::now();
  auto seconds = [&] {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fs", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return std::string(buf);
  };

  // Fail on a missing kernel or boot loader before writing gigabytes.
  disk::KernelFiles kernel = disk::find_kernel(rootfs);
  disk::find_systemd_boot(rootfs);

  fs::path dir = work_dir / "disk-image";
  fs::remove_all(dir);
  fs::create_directories(dir);
  bool qcow2 = s.format == tmpl::ImageFormat::qcow2;
  fs::create_directories(dest.parent_path());
  fs::path partial = dest.parent_path() / ("." + dest.filename().string() + ".partial");
  fs::path raw = qcow2 ? dir / "disk.raw" : partial;

  try {
    create_sparse(raw, layout.size_bytes);
    disk::write_gpt(raw, layout);
    log("disk-image: GPT written (" + std::to_string(layout.size_bytes / disk::kMiB) + "M, " +
        std::to_string(layout.partitions.size()) + " partitions)");
    {
      std::vector<std::string> mountpoints;
      for (const auto& p : layout.partitions)
        if (p.mountpoint != "/") mountpoints.push_back(p.mountpoint);
      disk::MountpointStaging staging(rootfs, mountpoints, dir / "stage");
      for (const auto& p : layout.partitions) {
        if (p.fs_type == "vfat") {
          disk::stage_esp_tree(dir / "esp", rootfs, staging.tree(p.mountpoint), kernel, sde);
          disk::write_esp(raw, p, dir / "esp", sde);
        } else if (p.mountpoint == "/") {
          struct stat root_meta {};
          if (::stat(rootfs.c_str(), &root_meta) != 0) throw std::runtime_error("cannot stat " + rootfs.string());
          disk::write_ext4(raw, p, rootfs, root_meta, sde, dir);
        } else {
          disk::write_ext4(raw, p, staging.tree(p.mountpoint), staging.meta(p.mountpoint), sde, dir);
        }
        log("disk-image: " + p.name + " (" + p.mountpoint + ", " + p.fs_type + ", " + mib(p.size_sectors) + ") at " +
            seconds());
      }
      staging.restore();
    }
    if (qcow2) {
      disk::convert_to_qcow2(raw, partial);
      fs::remove(raw);
      log("disk-image: qcow2 at " + seconds());
    }
    fs::rename(partial, dest);
  } catch (...) {
    // dir/stage is left alone: if putting a subtree back failed, it is the only copy.
    std::error_code ec;
    fs::remove(partial, ec);
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().filename() != "stage") fs::remove_all(e.path(), ec);
    fs::remove(dir / "stage", ec);  // these two only when empty
    fs::remove(dir, ec);
    throw;
  }
  fs::remove_all(dir);

  DiskImageResult r;
  r.path = dest;
  r.format = qcow2 ? "qcow2" : "raw";
  r.kernel_version = kernel.version;
  r.size = fs::file_size(dest);
  r.virtual_size = disk::image_virtual_size(dest, r.format);
  r.sha256 = artifact::sha256_file(dest);
  log("disk-image: " + dest.string() + " (" + r.format + ", " + std::to_string(r.size) + " bytes, kernel " +
      kernel.version + ") in " + seconds());
  return r;
}

}  // namespace sarga::outputs
