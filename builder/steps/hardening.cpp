#include "builder/steps/hardening.h"

#include <algorithm>
#include <stdexcept>

#include "builder/steps/chroot.h"

namespace sarga::steps::hardening {

const std::vector<Rule>& all_rules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> r;
    // Rules that install packages run first, so the file and account rules below also
    // cover what those packages bring (users, conffiles, units).
    add_time_rules(r);
    add_audit_rules(r);
    add_sshd_rules(r);
    add_kernel_rules(r);
    add_mount_rules(r);
    add_account_rules(r);
    add_filesystem_rules(r);
    add_system_rules(r);
    return r;
  }();
  return rules;
}

const Rule* find_rule(const std::string& name) {
  for (const auto& r : all_rules())
    if (r.name == name) return &r;
  return nullptr;
}

Target profile_target(const std::string& profile) {
  if (profile == "lxc-baseline") return Target::lxc;
  if (profile == "vm-baseline") return Target::vm;
  throw std::invalid_argument("unknown hardening profile \"" + profile + "\" (known: lxc-baseline, vm-baseline)");
}

std::vector<const Rule*> profile_rules(const std::string& profile) {
  Target t = profile_target(profile);
  std::vector<const Rule*> out;
  for (const auto& r : all_rules())
    if (t == Target::lxc ? r.lxc : r.vm) out.push_back(&r);
  return out;
}

void check_skip_names(const std::vector<std::string>& skip) {
  for (const auto& s : skip)
    if (!find_rule(s)) throw std::invalid_argument("unknown hardening rule \"" + s + "\" in skip");
}

namespace {
bool skipped(const std::vector<std::string>& skip, const std::string& name) {
  return std::find(skip.begin(), skip.end(), name) != skip.end();
}
Outcome to_outcome(const Rule& rule, const Check& c) {
  const char* s = c.status == Check::Status::pass ? "pass" : c.status == Check::Status::fail ? "fail" : "n/a";
  return {rule.name, s, c.detail};
}
}  // namespace

std::vector<Outcome> verify_profile(const Env& env, const std::string& profile, const std::vector<std::string>& skip) {
  check_skip_names(skip);
  std::vector<Outcome> out;
  for (const Rule* rule : profile_rules(profile)) {
    if (skipped(skip, rule->name)) {
      out.push_back({rule->name, "skip", "skipped by name"});
      continue;
    }
    try {
      out.push_back(to_outcome(*rule, rule->verify(env)));
    } catch (const std::exception& e) {
      out.push_back({rule->name, "fail", std::string("verify error: ") + e.what()});
    }
  }
  return out;
}

std::vector<Outcome> apply_profile(const Env& env, const std::string& profile, const std::vector<std::string>& skip,
                                   bool verify) {
  check_skip_names(skip);
  std::vector<Outcome> out;
  for (const Rule* rule : profile_rules(profile)) {
    if (skipped(skip, rule->name)) {
      out.push_back({rule->name, "skip", "skipped by name"});
      continue;
    }
    try {
      rule->apply(env);
    } catch (const std::exception& e) {
      throw std::runtime_error("hardening rule " + rule->name + ": apply failed: " + e.what());
    }
    if (verify) {
      try {
        out.push_back(to_outcome(*rule, rule->verify(env)));
      } catch (const std::exception& e) {
        out.push_back({rule->name, "fail", std::string("verify error: ") + e.what()});
      }
    } else {
      out.push_back({rule->name, "applied", ""});
    }
  }
  return out;
}

nlohmann::json outcomes_json(const std::string& profile, const std::vector<Outcome>& outcomes) {
  nlohmann::json rules = nlohmann::json::array();
  int pass = 0, fail = 0, skip = 0, na = 0;
  for (const auto& o : outcomes) {
    rules.push_back({{"rule", o.rule}, {"status", o.status}, {"detail", o.detail}});
    if (o.status == "pass" || o.status == "applied") ++pass;
    else if (o.status == "fail") ++fail;
    else if (o.status == "skip") ++skip;
    else ++na;
  }
  return {{"profile", profile},
          {"passed", fail == 0},
          {"summary", {{"pass", pass}, {"fail", fail}, {"skip", skip}, {"n/a", na}}},
          {"rules", rules}};
}

nlohmann::json run_hardening(const StepContext& ctx, const tmpl::HardeningSettings& settings) {
  Rootfs root(ctx.rootfs);
  std::unique_ptr<ChrootSession> session;  // opened on first use: most rules are pure file work
  Env env{root, profile_target(settings.profile),
          [&](const std::string& what, const std::vector<std::string>& argv) {
            if (!session) session = std::make_unique<ChrootSession>(ctx);
            session->check(what, argv);
          }};
  auto outcomes = apply_profile(env, settings.profile, settings.skip, settings.verify);
  session.reset();
  for (const auto& o : outcomes) ctx.say("  " + o.status + "  " + o.rule + (o.detail.empty() ? "" : ": " + o.detail));
  auto report = outcomes_json(settings.profile, outcomes);
  if (settings.verify && !report["passed"].get<bool>()) {
    std::string failed;
    for (const auto& o : outcomes)
      if (o.status == "fail") failed += (failed.empty() ? "" : "; ") + o.rule + " (" + o.detail + ")";
    throw std::runtime_error("hardening verify failed: " + failed);
  }
  return report;
}

// ----------------------------------------------------------------- helpers

namespace {
bool key_matches(const std::string& line, const std::string& key, bool ci) {
  auto words = split_ws(line);
  if (words.empty() || words[0][0] == '#') return false;
  std::string first = words[0];
  // "KEY=VALUE" files (e.g. /etc/default/useradd) split on '='.
  if (auto eq = first.find('='); eq != std::string::npos) first = first.substr(0, eq);
  return ci ? to_lower(first) == to_lower(key) : first == key;
}
}  // namespace

void set_directive(const Rootfs& r, const std::string& guest, const std::string& key, const std::string& value,
                   const std::string& sep, mode_t mode, bool ci) {
  auto text = r.read(guest).value_or("");
  auto lines = split_lines(text);
  bool done = false;
  for (auto& l : lines) {
    if (key_matches(l, key, ci)) {
      if (!done) l = key + sep + value;
      else l = "# " + l + "  # superseded by sarga-build";
      done = true;
    }
  }
  if (!done) lines.push_back(key + sep + value);
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  auto st = r.lstat(guest);
  r.write(guest, out, st ? (st->st_mode & 07777) : mode, st ? st->st_uid : 0, st ? st->st_gid : 0);
}

std::optional<std::string> get_directive(const Rootfs& r, const std::string& guest, const std::string& key, bool ci) {
  auto text = r.read(guest);
  if (!text) return std::nullopt;
  for (const auto& l : split_lines(*text)) {
    if (!key_matches(l, key, ci)) continue;
    std::string t = trim(l);
    auto eq = t.find('=');
    auto sp = t.find_first_of(" \t");
    size_t cut = (eq != std::string::npos && (sp == std::string::npos || eq < sp)) ? eq : sp;
    if (cut == std::string::npos) return std::string();
    std::string value = trim(t.substr(cut + 1));
    if (!value.empty() && value[0] == '=') value = trim(value.substr(1));  // "key = value"
    return value;
  }
  return std::nullopt;
}

bool package_installed(const Rootfs& r, const std::string& name) {
  auto status = r.read("/var/lib/dpkg/status");
  if (!status) return false;
  bool in_pkg = false;
  for (const auto& l : split_lines(*status)) {
    if (l.rfind("Package: ", 0) == 0) in_pkg = trim(l.substr(9)) == name;
    else if (in_pkg && l.rfind("Status: ", 0) == 0) return l.find("install ok installed") != std::string::npos;
    else if (l.empty()) in_pkg = false;
  }
  return false;
}

void install_packages(const Env& env, const std::vector<std::string>& packages) {
  std::string names;
  for (const auto& p : packages) names += (names.empty() ? "" : " ") + p;
  if (!env.chroot) throw std::runtime_error("installing " + names + " needs a chroot");
  bool have_lists = false;
  for (const auto& n : env.root.list("/var/lib/apt/lists"))
    if (n.find("_Packages") != std::string::npos) have_lists = true;
  if (!have_lists) env.chroot("apt-get update", {"apt-get", "update"});
  std::vector<std::string> argv = {"apt-get", "-y", "install", "--no-install-recommends"};
  argv.insert(argv.end(), packages.begin(), packages.end());
  env.chroot("apt-get install " + names, argv);
  env.chroot("apt-get clean", {"apt-get", "clean"});
}

}  // namespace sarga::steps::hardening
