#include "builder/steps/chroot.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "builder/steps/rootfs.h"

namespace fs = std::filesystem;

namespace sarga::steps {

ChrootSession::ChrootSession(const StepContext& ctx) : ctx_(ctx) {
  try {
    mount_all();
    Rootfs r(ctx_.rootfs);
    if (!r.exists("/usr/sbin/policy-rc.d")) {
      // Keeps package scripts from starting services inside the build (exit 101 = "not allowed").
      r.write("/usr/sbin/policy-rc.d", "#!/bin/sh\nexit 101\n", 0755);
      created_policy_rc_ = true;
    }
    auto resolv = r.lstat("/etc/resolv.conf");
    if (!resolv || (resolv->st_size == 0 && S_ISREG(resolv->st_mode))) {
      // apt inside the chroot needs the host's resolver; removed again afterwards.
      std::error_code ec;
      if (fs::exists("/etc/resolv.conf", ec)) {
        std::ifstream in("/etc/resolv.conf");
        std::string text((std::istreambuf_iterator<char>(in)), {});
        r.remove("/etc/resolv.conf");
        r.write("/etc/resolv.conf", text, 0644);
        created_resolv_conf_ = true;
      }
    }
  } catch (...) {
    unmount_all();
    throw;
  }
}

ChrootSession::~ChrootSession() {
  Rootfs r(ctx_.rootfs);
  try {
    if (created_policy_rc_) r.remove("/usr/sbin/policy-rc.d");
    if (created_resolv_conf_) r.write("/etc/resolv.conf", "", 0644);
  } catch (...) {
  }
  unmount_all();
}

void ChrootSession::mount_all() {
  struct Spec {
    const char* dir;
    const char* source;
    const char* type;
    unsigned long flags;
  };
  const Spec specs[] = {
      {"proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC},
      {"sys", "sysfs", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY},
      {"dev", "/dev", nullptr, MS_BIND | MS_REC},
  };
  for (const auto& s : specs) {
    fs::path target = ctx_.rootfs / s.dir;
    // Refuse a symlinked mount point: it could point the mount at the host.
    std::error_code ec;
    if (fs::is_symlink(target, ec)) throw std::runtime_error(target.string() + ": is a symlink; refusing to mount");
    fs::create_directories(target);
    if (::mount(s.source, target.c_str(), s.type, s.flags, nullptr) != 0)
      throw std::runtime_error(target.string() + ": mount " + s.source + ": " + std::strerror(errno));
    mounts_.push_back(target);
    if (s.flags & MS_BIND) {
      // A slave copy: unmounting it cannot propagate back to the host's /dev.
      if (::mount(nullptr, target.c_str(), nullptr, MS_REC | MS_SLAVE, nullptr) != 0)
        throw std::runtime_error(target.string() + ": make-rslave: " + std::strerror(errno));
    }
  }
}

void ChrootSession::unmount_all() noexcept {
  for (auto it = mounts_.rbegin(); it != mounts_.rend(); ++it) {
    if (::umount2(it->c_str(), 0) != 0) ::umount2(it->c_str(), MNT_DETACH);
  }
  mounts_.clear();
}

int ChrootSession::run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env_extra) {
  if (argv.empty()) throw std::invalid_argument("empty command");
  if (ctx_.cancelled()) throw std::runtime_error("build cancelled");
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      {"HOME", "/root"},
      {"LC_ALL", "C.UTF-8"},
      {"DEBIAN_FRONTEND", "noninteractive"},
      {"SOURCE_DATE_EPOCH", std::to_string(ctx_.source_date_epoch)},
  };
  for (const auto& [k, v] : env_extra) env[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    if (::chroot(ctx_.rootfs.c_str()) != 0 || ::chdir("/") != 0) {
      dprintf(2, "chroot %s: %s\n", ctx_.rootfs.c_str(), std::strerror(errno));
      _exit(126);
    }
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execvpe(args[0], args.data(), envp.data());
    dprintf(2, "%s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  ::close(pipefd[1]);
  std::string pending;
  char buf[8192];
  for (;;) {
    struct pollfd p = {pipefd[0], POLLIN, 0};
    int pr = ::poll(&p, 1, 200);
    if (pr == 0) {
      if (ctx_.cancelled()) ::kill(pid, SIGTERM);
      continue;
    }
    ssize_t n = ::read(pipefd[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, n);
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      ctx_.say(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  if (!pending.empty()) ctx_.say(pending);
  ::close(pipefd[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void ChrootSession::check(const std::string& what, const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env) {
  int rc = run(argv, env);
  if (rc != 0) throw std::runtime_error(what + " failed with exit status " + std::to_string(rc));
}

}  // namespace sarga::steps
