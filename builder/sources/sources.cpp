#include "builder/sources/sources.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "lib/artifact/hash.h"
#include "lib/artifact/tar_extract.h"
#include "lib/artifact/tar_writer.h"

namespace fs = std::filesystem;

namespace sarga::sources {

namespace {

bool have_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
  p += ":/usr/sbin:/sbin";
  size_t s = 0;
  while (s <= p.size()) {
    size_t c = p.find(':', s);
    if (c == std::string::npos) c = p.size();
    fs::path candidate = fs::path(p.substr(s, c - s)) / name;
    if (!candidate.empty() && ::access(candidate.c_str(), X_OK) == 0) return true;
    s = c + 1;
  }
  return false;
}

// Runs a host program; output lines go to log. Throws on failure.
void run_host(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
              const std::function<void(const std::string&)>& log) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    for (const auto& e : extra_env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  ::close(fds[1]);
  std::string pending;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n < 0) continue;
    pending.append(buf, n);
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1))
      if (log) log(pending.substr(0, nl));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(argv[0] + " failed with exit status " +
                             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) +
                             (pending.empty() ? "" : ": " + pending));
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

void bootstrap_into_tar(const tmpl::MmdebstrapSettings& s, std::int64_t sde, const fs::path& tar,
                        const SourceContext& ctx, std::string& tool) {
  std::vector<std::string> env = {"SOURCE_DATE_EPOCH=" + std::to_string(sde), "LC_ALL=C"};
  if (have_program("mmdebstrap")) {
    tool = "mmdebstrap";
    std::vector<std::string> argv = {"mmdebstrap", "--mode=root", "--format=tar", "--variant=" + s.variant,
                                     "--architectures=" + s.architecture, "--components=" + join(s.components, ",")};
    if (!s.include.empty()) argv.push_back("--include=" + join(s.include, ","));
    argv.insert(argv.end(), {s.suite, tar.string(), s.mirror});
    run_host(argv, env, ctx.log);
    return;
  }
  if (!have_program("debootstrap")) throw std::runtime_error("neither mmdebstrap nor debootstrap is installed");
  tool = "debootstrap";
  fs::path dir = tar.parent_path() / "debootstrap-tree";
  fs::remove_all(dir);
  std::vector<std::string> argv = {"debootstrap", "--variant=" + (s.variant == "minbase" ? s.variant : std::string("minbase")),
                                   "--arch=" + s.architecture, "--components=" + join(s.components, ",")};
  if (!s.include.empty()) argv.push_back("--include=" + join(s.include, ","));
  argv.insert(argv.end(), {s.suite, dir.string(), s.mirror});
  run_host(argv, env, ctx.log);
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
  run_host({"cp", "-a", "--reflink=auto", (from / ".").string(), to.string()}, {}, nullptr);
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
