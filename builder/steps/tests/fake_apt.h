// Stands in for apt in the chroot: records each argv and edits dpkg's status file (plus the
// few files the hardening rules look at) the way install/purge would.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "builder/steps/rootfs.h"
#include "builder/steps/tests/fixture.h"

namespace sarga::testing {

struct FakeApt {
  const steps::Rootfs& root;
  std::vector<std::string> calls;  // argv joined by single spaces

  void operator()(const std::string&, const std::vector<std::string>& argv) {
    std::string joined;
    for (const auto& a : argv) joined += (joined.empty() ? "" : " ") + a;
    calls.push_back(joined);
    auto status = root.read("/var/lib/dpkg/status").value_or("");
    auto verb = std::find_if(argv.begin(), argv.end(), [](const std::string& a) { return a == "install" || a == "purge"; });
    if (verb == argv.end()) return;
    for (auto it = verb + 1; it != argv.end(); ++it) {
      if ((*it)[0] == '-') continue;
      if (*verb == "install") {
        status += dpkg_entry(*it);
        ship_files(*it);
      } else {
        auto pos = status.find("Package: " + *it + "\n");
        ASSERT_NE(pos, std::string::npos) << "purge of a package that is not installed: " << *it;
        status.erase(pos, status.find("\n\n", pos) + 2 - pos);
      }
    }
    root.write("/var/lib/dpkg/status", status);
  }

  // What Debian 12's packages ship that the rules read or edit.
  void ship_files(const std::string& package) const {
    if (package == "auditd") {
      root.write("/lib/systemd/system/auditd.service", "[Install]\nWantedBy=multi-user.target\n");
      root.write("/etc/audit/auditd.conf",
                 "log_file = /var/log/audit/audit.log\nmax_log_file = 8\nmax_log_file_action = ROTATE\n"
                 "space_left_action = SYSLOG\naction_mail_acct = root\nadmin_space_left_action = SUSPEND\n"
                 "disk_full_action = SUSPEND\ndisk_error_action = SUSPEND\n",
                 0640);
      root.write("/etc/audit/rules.d/audit.rules", "-D\n-b 8192\n--backlog_wait_time 60000\n-f 1\n", 0640);
    } else if (package == "systemd-timesyncd") {
      root.write("/lib/systemd/system/systemd-timesyncd.service",
                 "[Install]\nWantedBy=sysinit.target\nAlias=dbus-org.freedesktop.timesync1.service\n");
    }
  }
};

}  // namespace sarga::testing
