// Mount options of separate partitions (builder.md §3 rows 25-27; CIS 1.1.2.x). The
// disk-image output writes /etc/fstab from its partition layout before provisioners run;
// these rules tighten the options of its lines. They cannot create partitions: a missing
// /tmp or /var line fails and names the partition block that would add it.
#include <map>
#include <stdexcept>

#include "builder/steps/hardening.h"

namespace sarga::steps::hardening {

namespace {

constexpr const char* kFstab = "/etc/fstab";

struct Mount {
  std::string mountpoint;
  std::vector<std::string> options;  // the "no*" flags it must carry
  bool required = false;             // a missing line fails (else: nothing to check)
  std::string example_size;          // for the message naming the partition block
};

using Options = std::vector<std::string>;
const Options kNoDevSuidExec = {"nodev", "nosuid", "noexec"};
const Options kNoDevSuid = {"nodev", "nosuid"};

std::vector<std::string> split_options(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Whether a "no*" flag is in effect, reading options left to right as mount(8) does:
// "defaults" means dev,suid,exec; "user"/"users" imply nodev,nosuid,noexec.
bool flag_set(const std::vector<std::string>& opts, const std::string& noflag) {
  const std::string positive = noflag.substr(2);
  bool on = false;
  for (const auto& o : opts) {
    if (o == noflag || o == "user" || o == "users") on = true;
    else if (o == positive || o == "defaults") on = false;
  }
  return on;
}

struct FstabLine {
  std::vector<std::string> fields;  // spec, file, vfstype, mntops, freq, passno
  bool entry = false;               // false: comment or blank, kept verbatim
  std::string raw;                  // written back as is unless modified
  bool modified = false;
};

std::vector<FstabLine> read_fstab(const Rootfs& r) {
  std::vector<FstabLine> out;
  for (const auto& l : split_lines(r.read(kFstab).value_or(""))) {
    FstabLine line{split_ws(l), false, l, false};
    line.entry = line.fields.size() >= 2 && line.fields[0][0] != '#';
    out.push_back(std::move(line));
  }
  return out;
}

void write_fstab(const Rootfs& r, const std::vector<FstabLine>& lines) {
  std::string text;
  for (const auto& l : lines) text += (l.modified ? join(l.fields, "\t") : l.raw) + "\n";
  auto st = r.lstat(kFstab);
  r.write(kFstab, text, st ? (st->st_mode & 07777) : 0644);
}

std::string missing_partition(const Mount& m, const std::string& rule) {
  return "/etc/fstab has no " + m.mountpoint + " entry: declare partition { mountpoint = \"" + m.mountpoint +
         "\" size = \"" + m.example_size + "\" } in the disk-image post-processor, or skip the rule \"" + rule +
         "\" by name";
}

// Adds the missing flags, dropping options that would undo them ("exec" after "noexec").
void tighten(FstabLine& line, const Options& required) {
  const auto before = line.fields;
  if (line.fields.size() < 3) line.fields.push_back("auto");
  if (line.fields.size() < 4) line.fields.push_back("defaults");
  auto opts = split_options(line.fields[3]);
  std::vector<std::string> kept;
  for (const auto& o : opts) {
    bool undoes = false;
    for (const auto& flag : required) undoes |= o == flag.substr(2);
    if (!undoes) kept.push_back(o);
  }
  for (const auto& flag : required)
    if (!flag_set(kept, flag)) kept.push_back(flag);
  line.fields[3] = join(kept, ",");
  if (line.fields.size() < 6) line.fields.resize(6, "0");
  line.modified |= line.fields != before;
}

Rule mount_rule(std::string name, std::string title, std::string ref, std::vector<Mount> mounts) {
  Rule rule{name, title, ref, false, true, {}, {}};
  rule.apply = [name, mounts](const Env& env) {
    auto lines = read_fstab(env.root);
    for (const auto& m : mounts) {
      bool found = false;
      for (auto& l : lines)
        if (l.entry && l.fields[1] == m.mountpoint) {
          tighten(l, m.options);
          found = true;
        }
      if (!found && m.required) throw std::runtime_error(missing_partition(m, name));
    }
    bool modified = false;
    for (const auto& l : lines) modified |= l.modified;
    if (modified) write_fstab(env.root, lines);
  };
  rule.verify = [name, mounts](const Env& env) {
    auto lines = read_fstab(env.root);
    std::vector<std::string> problems, checked;
    for (const auto& m : mounts) {
      bool found = false;
      for (const auto& l : lines) {
        if (!l.entry || l.fields[1] != m.mountpoint) continue;
        found = true;
        auto opts = split_options(l.fields.size() >= 4 ? l.fields[3] : "defaults");
        std::vector<std::string> lacking;
        for (const auto& flag : m.options)
          if (!flag_set(opts, flag)) lacking.push_back(flag);
        if (!lacking.empty()) problems.push_back(m.mountpoint + " lacks " + join(lacking, ","));
      }
      if (found) checked.push_back(m.mountpoint);
      else if (m.required) problems.push_back(missing_partition(m, name));
    }
    if (!problems.empty()) return Check::fail(join(problems, "; "));
    if (checked.empty()) return Check::na("no " + mounts.front().mountpoint + " entry in /etc/fstab");
    return Check::pass(join(checked, ", "));
  };
  return rule;
}

}  // namespace

void add_mount_rules(std::vector<Rule>& rules) {
  rules.push_back(mount_rule("mount-tmp", "/tmp (and /var/tmp) are separate and mounted nodev,nosuid,noexec",
                             "CIS 1.1.2.1.x, 1.1.2.5.x",
                             {{"/tmp", kNoDevSuidExec, true, "512M"}, {"/var/tmp", kNoDevSuidExec, false, "512M"}}));
  rules.push_back(mount_rule("mount-var", "/var is separate and nodev,nosuid; /var/log and /var/log/audit also noexec",
                             "CIS 1.1.2.4.x, 1.1.2.6.x, 1.1.2.7.x",
                             {{"/var", kNoDevSuid, true, "1G"},
                              {"/var/log", kNoDevSuidExec, false, "1G"},
                              {"/var/log/audit", kNoDevSuidExec, false, "512M"}}));
  rules.push_back(mount_rule("mount-home", "a separate /home is mounted nodev,nosuid", "CIS 1.1.2.3.x",
                             {{"/home", kNoDevSuid, false, "1G"}}));

  // /dev/shm is mounted by systemd (nodev,nosuid); an fstab line makes it remount with noexec too.
  Rule shm = mount_rule("mount-dev-shm", "/dev/shm is mounted nodev,nosuid,noexec", "CIS 1.1.2.2.x",
                        {{"/dev/shm", kNoDevSuidExec, false, ""}});
  auto tighten_existing = shm.apply;
  shm.apply = [tighten_existing](const Env& env) {
    bool present = false;
    for (const auto& l : read_fstab(env.root)) present |= l.entry && l.fields[1] == "/dev/shm";
    if (!present) {
      auto lines = read_fstab(env.root);
      lines.push_back({{"tmpfs", "/dev/shm", "tmpfs", "defaults,nodev,nosuid,noexec", "0", "0"}, true, "", true});
      write_fstab(env.root, lines);
    }
    tighten_existing(env);
  };
  auto check_existing = shm.verify;
  shm.verify = [check_existing](const Env& env) {
    auto c = check_existing(env);
    if (c.status == Check::Status::not_applicable) return Check::fail("/etc/fstab has no /dev/shm entry");
    return c;
  };
  rules.push_back(shm);
}

}  // namespace sarga::steps::hardening
