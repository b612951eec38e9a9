// Time synchronisation (builder.md §3 row 48; CIS 2.3.1.1, 2.3.2.x): exactly one daemon,
// systemd-timesyncd, enabled. Containers use the host's clock, so this is VM only.
#include "builder/steps/hardening.h"

namespace sarga::steps::hardening {

namespace {
constexpr const char* kTimesyncd = "systemd-timesyncd";
constexpr const char* kUnit = "systemd-timesyncd.service";
// Other daemons that would fight timesyncd over the clock.
const std::vector<std::string> kOtherDaemons = {"chrony", "ntp", "ntpsec", "openntpd"};
}  // namespace

void add_time_rules(std::vector<Rule>& rules) {
  Rule time{"time-sync", "the clock is kept by systemd-timesyncd, the only time daemon", "CIS 2.3.1.1, 2.3.2.1-2.3.2.2",
            false, true, {}, {}};
  time.apply = [](const Env& env) {
    if (!package_installed(env.root, kTimesyncd)) install_packages(env, {kTimesyncd});
    // The unit's [Install]: WantedBy=sysinit.target, Alias=dbus-org.freedesktop.timesync1.service.
    enable_unit(env.root, kUnit, "sysinit.target", {"dbus-org.freedesktop.timesync1.service"});
  };
  time.verify = [](const Env& env) {
    if (!package_installed(env.root, kTimesyncd)) return Check::fail(std::string(kTimesyncd) + " is not installed");
    std::string others;
    for (const auto& p : kOtherDaemons)
      if (package_installed(env.root, p)) others += (others.empty() ? "" : ", ") + p;
    if (!others.empty()) return Check::fail("another time daemon is installed: " + others + " (keep one: timesyncd)");
    auto problem = unit_enable_problem(env.root, kUnit);
    return problem.empty() ? Check::pass() : Check::fail(problem);
  };
  rules.push_back(time);
}

}  // namespace sarga::steps::hardening
