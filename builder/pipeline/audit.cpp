#include "builder/pipeline/audit.h"

#include <sstream>
#include <stdexcept>

#include "builder/outputs/outputs.h"
#include "builder/pipeline/workdir.h"
#include "builder/steps/hardening.h"
#include "lib/artifact/tar_extract.h"

namespace fs = std::filesystem;

namespace sarga::pipeline {

bool AuditReport::passed() const {
  for (const auto& f : findings)
    if (f.status == "fail") return false;
  return true;
}

nlohmann::json AuditReport::to_json() const {
  nlohmann::json rules = nlohmann::json::array();
  int pass = 0, fail = 0, skip = 0, na = 0;
  for (const auto& f : findings) {
    rules.push_back({{"rule", f.rule}, {"status", f.status}, {"detail", f.detail}});
    if (f.status == "pass") ++pass;
    else if (f.status == "fail") ++fail;
    else if (f.status == "skip") ++skip;
    else ++na;
  }
  return {{"target", target},
          {"profile", profile},
          {"passed", passed()},
          {"summary", {{"pass", pass}, {"fail", fail}, {"skip", skip}, {"n/a", na}}},
          {"rules", rules}};
}

std::string AuditReport::to_text() const {
  std::ostringstream out;
  out << "audit of " << target << " (profile " << profile << ")\n";
  int fail = 0;
  for (const auto& f : findings) {
    out << "  " << (f.status == "pass" ? "PASS" : f.status == "fail" ? "FAIL" : f.status == "skip" ? "SKIP" : "N/A ")
        << "  " << f.rule;
    if (!f.detail.empty()) out << ": " << f.detail;
    out << "\n";
    fail += f.status == "fail";
  }
  out << (fail ? std::to_string(fail) + " rule(s) failed\n" : std::string("all rules passed\n"));
  return out.str();
}

namespace {
void pve_checks(const fs::path& rootfs, std::vector<AuditFinding>& out) {
  try {
    auto os = outputs::read_os_release(rootfs);
    out.push_back({"pve-os-release", "pass", os.id + " " + os.version_id});
  } catch (const std::exception& e) {
    out.push_back({"pve-os-release", "fail", e.what()});
  }
  std::error_code ec;
  out.push_back(fs::exists(fs::symlink_status(rootfs / "sbin", ec))
                    ? AuditFinding{"pve-sbin", "pass", ""}
                    : AuditFinding{"pve-sbin", "fail", "no /sbin: Proxmox refuses the template"});
}
}  // namespace

AuditReport audit(const fs::path& target, const std::string& profile, const std::vector<std::string>& skip) {
  auto t = steps::hardening::profile_target(profile);  // throws for an unknown profile first
  steps::hardening::check_skip_names(skip);
  std::error_code ec;
  if (!fs::exists(target, ec)) throw std::runtime_error(target.string() + ": no such file or directory");
  fs::path rootfs = target;
  fs::path scratch;
  if (!fs::is_directory(target, ec)) {
    scratch = make_work_dir(fs::temp_directory_path());
    rootfs = scratch / "rootfs";
    artifact::ExtractOptions o;
    o.devices = artifact::ExtractOptions::Devices::skip;
    try {
      artifact::extract_archive_safely(target, rootfs, o);
    } catch (...) {
      remove_work_dir(scratch);
      throw;
    }
  }
  AuditReport report;
  report.target = target.string();
  report.profile = profile;
  pve_checks(rootfs, report.findings);
  steps::Rootfs root(rootfs);
  steps::hardening::Env env{root, t, nullptr};
  for (const auto& o : steps::hardening::verify_profile(env, profile, skip))
    report.findings.push_back({o.rule, o.status, o.detail});
  if (!scratch.empty()) remove_work_dir(scratch);
  return report;
}

}  // namespace sarga::pipeline
