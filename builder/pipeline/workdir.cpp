#include "builder/pipeline/workdir.h"

#include <sys/mount.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lib/process/process.h"

namespace fs = std::filesystem;

namespace sarga::pipeline {

fs::path make_work_dir(const fs::path& parent) {
  fs::create_directories(parent);
  std::string templ = (parent / "sarga-build-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot create a work directory under " + parent.string());
  return templ;
}

namespace {
std::vector<std::string> mounts_below(const fs::path& dir) {
  std::vector<std::string> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  std::string prefix = dir.string() + "/";
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string id, parent, devno, root, mount_point;
    ss >> id >> parent >> devno >> root >> mount_point;
    if (mount_point.rfind(prefix, 0) == 0 || mount_point == dir.string()) out.push_back(mount_point);
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}
}  // namespace

int unmount_below(const fs::path& dir_in) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(dir_in, ec);
  for (const auto& m : mounts_below(dir)) ::umount2(m.c_str(), MNT_DETACH);
  return static_cast<int>(mounts_below(dir).size());
}

void remove_work_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (unmount_below(dir) != 0)
    throw std::runtime_error(dir.string() + ": still has mounts below it; not deleting (unmount them first)");
  fs::remove_all(dir, ec);
  if (ec) throw std::runtime_error(dir.string() + ": cannot remove: " + ec.message());
}

void move_into_place(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  if (!to.parent_path().empty()) fs::create_directories(to.parent_path());
  fs::path partial = to.parent_path() / ("." + to.filename().string() + ".partial");
  std::error_code ec;
  fs::rename(from, partial, ec);
  if (ec) {
    // Another filesystem: a raw disk image is mostly holes, which copy_file would write out
    // (4 GiB for a 4 GiB disk); cp keeps them.
    process::run({"cp", "--sparse=always", "--", from.string(), partial.string()});
    fs::remove(from, ec);
  }
  fs::rename(partial, to);
}

}  // namespace sarga::pipeline
