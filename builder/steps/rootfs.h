// File access inside a rootfs directory as the guest would see it: guest paths are
// absolute ("/etc/ssh/sshd_config") and symlinks resolve against the rootfs, never
// against the host, so a hostile link cannot make a step write outside the tree.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sarga::steps {

class Rootfs {
 public:
  explicit Rootfs(std::filesystem::path root);
  const std::filesystem::path& root() const { return root_; }

  // Host path for a guest path, following symlinks inside the rootfs (the last
  // component too unless follow_last is false). Throws for a relative guest path.
  std::filesystem::path host(std::string_view guest, bool follow_last = true) const;

  bool exists(std::string_view guest) const;  // does not follow the last symlink
  std::optional<struct stat> lstat(std::string_view guest) const;
  std::optional<std::string> read(std::string_view guest) const;  // nullopt when absent
  // Atomic replace (temp + rename) with mode and numeric owner; parents created 0755.
  void write(std::string_view guest, std::string_view content, mode_t mode = 0644, uid_t uid = 0,
             gid_t gid = 0) const;
  void append_line_if_missing(std::string_view guest, const std::string& line, mode_t mode = 0644) const;
  bool remove(std::string_view guest) const;             // file or symlink; true if it existed
  void remove_tree_contents(std::string_view guest) const;  // keeps the directory itself
  void chmod(std::string_view guest, mode_t mode) const;
  void chown(std::string_view guest, uid_t uid, gid_t gid) const;
  void symlink(std::string_view target, std::string_view guest) const;  // replaces what is there
  std::vector<std::string> list(std::string_view guest_dir) const;       // sorted names, [] if absent

  // uid/gid for a user/group name from the rootfs' own /etc/passwd and /etc/group;
  // a number is accepted as is. nullopt when unknown.
  std::optional<uid_t> uid_of(const std::string& user) const;
  std::optional<gid_t> gid_of(const std::string& group) const;

 private:
  std::filesystem::path root_;
};

// Small text helpers shared by the steps and the hardening rules.
std::vector<std::string> split_lines(std::string_view text);
std::string trim(std::string_view s);
std::vector<std::string> split_ws(std::string_view s);
std::string to_lower(std::string s);

}  // namespace sarga::steps
