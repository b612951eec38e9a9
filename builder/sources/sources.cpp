#include "builder/sources/sources.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>

#include "lib/artifact/hash.h"
#include "lib/artifact/tar_extract.h"
#include "lib/artifact/tar_writer.h"
#include "lib/process/process.h"

namespace fs = std::filesystem;

namespace sarga::sources {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

void bootstrap_into_tar(const tmpl::MmdebstrapSettings& s, std::int64_t sde, const fs::path& tar,
                        const SourceContext& ctx, std::string& tool) {
  std::map<std::string, std::string> env = {{"SOURCE_DATE_EPOCH", std::to_string(sde)}};
  if (process::find_program("mmdebstrap")) {
    tool = "mmdebstrap";
    std::vector<std::string> argv = {"mmdebstrap", "--mode=root", "--format=tar", "--variant=" + s.variant,
                                     "--architectures=" + s.architecture, "--components=" + join(s.components, ",")};
    if (!s.include.empty()) argv.push_back("--include=" + join(s.include, ","));
    argv.insert(argv.end(), {s.suite, tar.string(), s.mirror});
    process::run(argv, {.env = env, .combine_output = true, .on_line = ctx.log});  // live in the build log
    return;
  }
  if (!process::find_program("debootstrap")) throw std::runtime_error("neither mmdebstrap nor debootstrap is installed");
  tool = "debootstrap";
  fs::path dir = tar.parent_path() / "debootstrap-tree";
  fs::remove_all(dir);
  std::vector<std::string> argv = {"debootstrap", "--variant=" + (s.variant == "minbase" ? s.variant : std::string("minbase")),
                                   "--arch=" + s.architecture, "--components=" + join(s.components, ",")};
  if (!s.include.empty()) argv.push_back("--include=" + join(s.include, ","));
  argv.insert(argv.end(), {s.suite, dir.string(), s.mirror});
  process::run(argv, {.env = env, .combine_output = true, .on_line = ctx.log});
  artifact::TarWriteOptions o;
  o.compression = artifact::Compression::none;
  o.source_date_epoch = sde;
  artifact::write_rootfs_archive(dir, tar, o);
  fs::remove_all(dir);
}

}  // namespace

std::string bootstrap_cache_key(const tmpl::MmdebstrapSettings& s, std::int64_t sde) {
  auto include = s.include;
  std::sort(include.begin(), include.end());
  nlohmann::json key = {{"v", 1},           {"suite", s.suite},   {"variant", s.variant},
                        {"components", s.components}, {"include", include}, {"mirror", s.mirror},
                        {"arch", s.architecture},     {"sde", sde}};
  return artifact::sha256_hex(key.dump()).substr(0, 32);
}

void import_rootfs_directory(const fs::path& from, const fs::path& to, bool allow_devices) {
  std::error_code ec;
  if (!fs::is_directory(from, ec)) throw std::runtime_error(from.string() + ": not a directory");
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = it->path().lexically_relative(from).generic_string();
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && !allow_devices)
      throw artifact::UnsafeArchiveEntry(from.string() + ": \"" + rel + "\": device node refused (allow_devices is off)");
    if (S_ISLNK(st.st_mode)) {
      auto target = fs::read_symlink(it->path()).string();
      if (artifact::symlink_escapes(rel, target))
        throw artifact::UnsafeArchiveEntry(from.string() + ": \"" + rel + "\": symlink to \"" + target +
                                           "\" escapes the root");
    }
  }
  fs::create_directories(to);
  process::run({"cp", "-a", "--reflink=auto", (from / ".").string(), to.string()});
}

nlohmann::json prepare_source(const tmpl::SourceSpec& spec, const SourceContext& ctx) {
  std::string where = spec.location.line ? spec.location.str() + ": " : "";
  fs::create_directories(ctx.rootfs);
  if (spec.kind == tmpl::SourceKind::rootfs) {
    fs::path path = spec.rootfs.path;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw std::runtime_error(where + "rootfs path \"" + path.string() + "\" does not exist");
    try {
      if (fs::is_directory(path, ec)) {
        import_rootfs_directory(path, ctx.rootfs, spec.rootfs.allow_devices);
      } else {
        artifact::ExtractOptions o;
        o.devices = spec.rootfs.allow_devices ? artifact::ExtractOptions::Devices::allow
                                              : artifact::ExtractOptions::Devices::refuse;
        artifact::extract_archive_safely(path, ctx.rootfs, o);
      }
    } catch (const std::exception& e) {
      throw std::runtime_error(where + e.what());
    }
    nlohmann::json info = {{"type", "rootfs"}, {"name", spec.name}, {"path", path.string()}};
    if (!fs::is_directory(path, ec)) info["sha256"] = artifact::sha256_file(path);
    return info;
  }
  const auto& s = spec.mmdebstrap;
  if (s.suite.empty()) throw std::runtime_error(where + "suite is required");
  std::string key = bootstrap_cache_key(s, ctx.source_date_epoch);
  fs::path cache = ctx.cache_dir / "rootfs" / key;
  fs::path tar = cache / "rootfs.tar";
  bool hit = fs::exists(tar);
  std::string tool = "cache";
  if (!hit) {
    fs::create_directories(cache);
    fs::path partial = cache / ("rootfs.tar.partial-" + std::to_string(::getpid()));
    try {
      bootstrap_into_tar(s, ctx.source_date_epoch, partial, ctx, tool);
    } catch (const std::exception& e) {
      std::error_code ec;
      fs::remove(partial, ec);
      throw std::runtime_error(where + e.what());
    }
    fs::rename(partial, tar);
    nlohmann::json meta = {{"suite", s.suite}, {"variant", s.variant}, {"include", s.include},
                           {"mirror", s.mirror}, {"tool", tool}, {"source_date_epoch", ctx.source_date_epoch}};
    std::ofstream(cache / "inputs.json") << meta.dump(2) << "\n";
  } else if (ctx.log) {
    ctx.log("bootstrap cache hit: " + tar.string());
  }
  artifact::ExtractOptions o;
  o.devices = artifact::ExtractOptions::Devices::skip;  // /dev is bind-mounted when needed
  artifact::extract_archive_safely(tar, ctx.rootfs, o);
  return {{"type", "mmdebstrap"}, {"name", spec.name},         {"suite", s.suite},
          {"variant", s.variant}, {"components", s.components}, {"include", s.include},
          {"mirror", s.mirror},   {"architecture", s.architecture}, {"cache_key", key},
          {"cache_hit", hit}};
}

}  // namespace sarga::sources
