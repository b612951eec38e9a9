#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "builder/steps/rootfs.h"
#include "builder/steps/steps.h"

namespace fs = std::filesystem;

namespace sarga::steps {

namespace {
std::string read_host_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Owner {
  uid_t uid;
  gid_t gid;
};

Owner resolve_owner(const Rootfs& r, const tmpl::FileEntry& e, const std::string& where) {
  auto uid = r.uid_of(e.owner);
  if (!uid) throw std::runtime_error(where + "owner \"" + e.owner + "\" is not in the rootfs /etc/passwd");
  auto gid = r.gid_of(e.group);
  if (!gid) throw std::runtime_error(where + "group \"" + e.group + "\" is not in the rootfs /etc/group");
  return {*uid, *gid};
}
}  // namespace

nlohmann::json run_files(const StepContext& ctx, const tmpl::FilesSettings& settings) {
  Rootfs r(ctx.rootfs);
  nlohmann::json copied = nlohmann::json::array();
  for (const auto& e : settings.entries) {
    std::string where = e.location.line ? e.location.str() + ": " : "";
    if (e.destination.empty() || e.destination[0] != '/')
      throw std::runtime_error(where + "destination \"" + e.destination + "\" must be an absolute path in the rootfs");
    Owner owner = resolve_owner(r, e, where);
    if (e.content) {
      r.write(e.destination, *e.content, e.mode, owner.uid, owner.gid);
      copied.push_back({{"destination", e.destination}, {"bytes", e.content->size()}});
      continue;
    }
    fs::path src = e.source;
    std::error_code ec;
    if (fs::is_directory(src, ec)) {
      // Directory: copy the tree; files get `mode`, directories 0755.
      size_t count = 0;
      for (auto it = fs::recursive_directory_iterator(src); it != fs::recursive_directory_iterator(); ++it) {
        std::string rel = it->path().lexically_relative(src).generic_string();
        std::string dest = e.destination + (e.destination.back() == '/' ? "" : "/") + rel;
        if (it->is_symlink()) {
          r.symlink(fs::read_symlink(it->path()).string(), dest);
          r.chown(dest, owner.uid, owner.gid);
        } else if (it->is_directory()) {
          fs::create_directories(r.host(dest));
          r.chmod(dest, 0755);
          r.chown(dest, owner.uid, owner.gid);
        } else {
          r.write(dest, read_host_file(it->path()), e.mode, owner.uid, owner.gid);
          ++count;
        }
      }
      copied.push_back({{"source", e.source}, {"destination", e.destination}, {"files", count}});
    } else {
      if (!fs::exists(src, ec)) throw std::runtime_error(where + "source \"" + e.source + "\" does not exist");
      std::string dest = e.destination;
      if (dest.back() == '/') dest += src.filename().string();
      auto data = read_host_file(src);
      r.write(dest, data, e.mode, owner.uid, owner.gid);
      copied.push_back({{"source", e.source}, {"destination", dest}, {"bytes", data.size()}});
    }
    ctx.say("copied " + (e.content ? std::string("inline content") : e.source) + " -> " + e.destination);
  }
  return {{"copied", copied}};
}

}  // namespace sarga::steps
