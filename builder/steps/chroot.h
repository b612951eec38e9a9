// Running commands inside the rootfs: /proc, /sys and /dev are mounted for the
// lifetime of a ChrootSession and ALWAYS unmounted by its destructor (also when a
// command fails or throws). Daemons are kept from starting by a policy-rc.d guard.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "builder/steps/context.h"

namespace sarga::steps {

class ChrootSession {
 public:
  explicit ChrootSession(const StepContext& ctx);
  ~ChrootSession();
  ChrootSession(const ChrootSession&) = delete;
  ChrootSession& operator=(const ChrootSession&) = delete;

  // Runs argv[0] (looked up in the chroot's PATH) with a clean environment plus `env`;
  // output lines go to ctx.log. Returns the exit status (128+signal when killed).
  int run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
  // Same, throwing std::runtime_error "<what> failed with exit status N" on non-zero.
  void check(const std::string& what, const std::vector<std::string>& argv,
             const std::map<std::string, std::string>& env = {});

  // Mount points currently held (for tests).
  const std::vector<std::filesystem::path>& mounts() const { return mounts_; }

 private:
  void mount_all();
  void unmount_all() noexcept;

  const StepContext& ctx_;
  std::vector<std::filesystem::path> mounts_;
  bool created_policy_rc_ = false;
  bool created_resolv_conf_ = false;
};

}  // namespace sarga::steps
