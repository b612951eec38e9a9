// Partition contents by renaming: each mountpoint's subtree is renamed out of the rootfs (so
// `mke2fs -d rootfs` does not copy it into the root filesystem) and an empty directory with
// the same metadata takes its place; afterwards everything is renamed back. Renames keep the
// inodes, so the rootfs looks unchanged afterwards (the parents' times are put back too).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "builder/outputs/disk_internal.h"
#include "builder/steps/rootfs.h"

namespace fs = std::filesystem;

namespace sarga::outputs::disk {

namespace {

[[noreturn]] void sys_fail(const std::string& what, const fs::path& p) {
  throw std::runtime_error(what + " " + p.string() + ": " + std::strerror(errno));
}

void set_times(const fs::path& p, const struct stat& st) {
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) sys_fail("cannot set the times of", p);
}

struct stat lstat_or_throw(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) sys_fail("cannot stat", p);
  return st;
}

// Never delete a staged tree: after a crash it may be the only copy of a rootfs subtree.
void refuse_leftover(const fs::path& staged) {
  struct stat st {};
  if (::lstat(staged.c_str(), &st) == 0)
    throw std::runtime_error(staged.string() + " already exists (left by an interrupted build?): move it back into the rootfs or remove it");
}

std::size_t depth(const std::string& m) { return std::count(m.begin(), m.end(), '/'); }

}  // namespace

MountpointStaging::MountpointStaging(const fs::path& rootfs, const std::vector<std::string>& mountpoints,
                                     const fs::path& stage_dir)
    : rootfs_(rootfs) {
  std::vector<std::string> order = mountpoints;
  // Deepest first: /var/log leaves an empty directory in /var before /var itself moves.
  std::stable_sort(order.begin(), order.end(),
                   [](const std::string& a, const std::string& b) { return depth(a) > depth(b); });
  steps::Rootfs r(rootfs);
  std::string hidden = rootfs.filename().string() + ".disk-stage";
  hidden.insert(hidden.begin(), '.');
  fs::path fallback = rootfs.parent_path() / hidden;
  try {
    for (const auto& m : order) {
      Moved mv;
      mv.mountpoint = m;
      mv.original = r.host(m, false);
      struct stat st {};
      if (::lstat(mv.original.c_str(), &st) != 0)
        throw std::runtime_error("partition mountpoint " + m +
                                 " is missing in the rootfs (prepare_rootfs_for_disk creates it; did a provisioner remove it?)");
      if (!S_ISDIR(st.st_mode))
        throw std::runtime_error("partition mountpoint " + m + " is not a directory in the rootfs");
      mv.meta = st;
      mv.parent_meta = lstat_or_throw(mv.original.parent_path());
      std::string leaf = m.substr(1);
      std::replace(leaf.begin(), leaf.end(), '/', '-');
      fs::create_directories(stage_dir);
      stage_dirs_.push_back(stage_dir);
      mv.staged = stage_dir / leaf;
      refuse_leftover(mv.staged);
      if (::rename(mv.original.c_str(), mv.staged.c_str()) != 0) {
        if (errno != EXDEV) sys_fail("cannot move away", mv.original);
        // work_dir on another filesystem: stage beside the rootfs instead (same filesystem).
        fs::create_directories(fallback);
        stage_dirs_.push_back(fallback);
        mv.staged = fallback / leaf;
        refuse_leftover(mv.staged);
        if (::rename(mv.original.c_str(), mv.staged.c_str()) != 0) sys_fail("cannot move away", mv.original);
      }
      moved_.push_back(mv);
      if (::mkdir(mv.original.c_str(), 0700) != 0) sys_fail("cannot create", mv.original);
      if (::lchown(mv.original.c_str(), st.st_uid, st.st_gid) != 0) sys_fail("cannot chown", mv.original);
      if (::chmod(mv.original.c_str(), st.st_mode & 07777) != 0) sys_fail("cannot chmod", mv.original);
      set_times(mv.original, st);
      set_times(mv.original.parent_path(), mv.parent_meta);
    }
  } catch (...) {
    try {
      restore();
    } catch (...) {
    }
    throw;
  }
}

MountpointStaging::~MountpointStaging() {
  try {
    restore();
  } catch (...) {
  }
}

const fs::path& MountpointStaging::tree(const std::string& mountpoint) const {
  for (const auto& mv : moved_)
    if (mv.mountpoint == mountpoint) return mv.staged;
  throw std::logic_error("mountpoint not staged: " + mountpoint);
}

const struct stat& MountpointStaging::meta(const std::string& mountpoint) const {
  for (const auto& mv : moved_)
    if (mv.mountpoint == mountpoint) return mv.meta;
  throw std::logic_error("mountpoint not staged: " + mountpoint);
}

void MountpointStaging::restore() {
  std::string first_error;
  while (!moved_.empty()) {
    Moved mv = moved_.back();
    try {
      // The placeholder must still be empty; anything in it was written during the build.
      if (::rmdir(mv.original.c_str()) != 0 && errno != ENOENT) sys_fail("cannot remove the placeholder", mv.original);
      if (::rename(mv.staged.c_str(), mv.original.c_str()) != 0) sys_fail("cannot move back", mv.staged);
      set_times(mv.original.parent_path(), mv.parent_meta);
    } catch (const std::exception& e) {
      if (first_error.empty())
        first_error = std::string(e.what()) + " (the subtree of " + mv.mountpoint + " is at " + mv.staged.string() + ")";
    }
    moved_.pop_back();
  }
  if (!first_error.empty()) throw std::runtime_error(first_error);
  for (const auto& d : stage_dirs_) ::rmdir(d.c_str());  // only succeeds when empty
}

}  // namespace sarga::outputs::disk
