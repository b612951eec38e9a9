#include <stdexcept>

#include "builder/steps/chroot.h"
#include "builder/steps/rootfs.h"
#include "builder/steps/steps.h"

namespace sarga::steps {

nlohmann::json run_packages(const StepContext& ctx, const tmpl::PackagesSettings& s) {
  for (const auto& p : s.install)
    if (p.empty() || p[0] == '-') throw std::runtime_error("packages: invalid package name \"" + p + "\"");
  for (const auto& p : s.remove)
    if (p.empty() || p[0] == '-') throw std::runtime_error("packages: invalid package name \"" + p + "\"");
  ChrootSession session(ctx);
  const std::vector<std::string> apt = {"apt-get", "-y", "-o", "Dpkg::Options::=--force-confdef", "-o",
                                        "Dpkg::Options::=--force-confold"};
  auto with = [&](std::vector<std::string> tail) {
    auto argv = apt;
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
  };
  if (s.update) session.check("apt-get update", {"apt-get", "update"});
  if (s.upgrade) session.check("apt-get dist-upgrade", with({"dist-upgrade"}));
  if (!s.install.empty()) {
    std::vector<std::string> tail = {"install"};
    if (!s.install_recommends) tail.push_back("--no-install-recommends");
    tail.insert(tail.end(), s.install.begin(), s.install.end());
    session.check("apt-get install", with(tail));
  }
  if (!s.remove.empty()) {
    std::vector<std::string> tail = {s.purge ? "purge" : "remove"};
    tail.insert(tail.end(), s.remove.begin(), s.remove.end());
    session.check("apt-get " + tail[0], with(tail));
  }
  if (s.autoremove) session.check("apt-get autoremove", with({"autoremove", "--purge"}));
  if (s.clean) {
    session.check("apt-get clean", {"apt-get", "clean"});
    Rootfs(ctx.rootfs).remove_tree_contents("/var/cache/apt/archives/partial");
  }
  return {{"installed", s.install}, {"removed", s.remove}};
}

}  // namespace sarga::steps
