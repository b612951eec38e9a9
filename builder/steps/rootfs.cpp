#include "builder/steps/rootfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace sarga::steps {

namespace {
std::vector<std::string> components(std::string_view p) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : p) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}
[[noreturn]] void sys_fail(const std::string& what, const fs::path& p) {
  throw std::runtime_error(p.string() + ": " + what + ": " + std::strerror(errno));
}
}  // namespace

Rootfs::Rootfs(fs::path root) : root_(std::move(root)) {}

fs::path Rootfs::host(std::string_view guest, bool follow_last) const {
  if (guest.empty() || guest[0] != '/') throw std::invalid_argument("guest path must be absolute: " + std::string(guest));
  std::vector<std::string> todo = components(guest);
  std::reverse(todo.begin(), todo.end());
  std::vector<std::string> done;
  int links = 0;
  while (!todo.empty()) {
    std::string part = todo.back();
    todo.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      if (!done.empty()) done.pop_back();  // ".." at the root stays at the root, like chroot
      continue;
    }
    fs::path candidate = root_;
    for (const auto& d : done) candidate /= d;
    candidate /= part;
    bool last = todo.empty();
    struct stat st;
    if ((!last || follow_last) && ::lstat(candidate.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      if (++links > 40) throw std::runtime_error(std::string(guest) + ": too many symlink levels in rootfs");
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = readlink(candidate.c_str(), target.data(), target.size());
      if (n < 0) sys_fail("readlink", candidate);
      target.resize(n);
      if (!target.empty() && target[0] == '/') done.clear();
      auto t = components(target);
      for (auto it = t.rbegin(); it != t.rend(); ++it) todo.push_back(*it);
      continue;
    }
    done.push_back(part);
  }
  fs::path out = root_;
  for (const auto& d : done) out /= d;
  return out;
}

bool Rootfs::exists(std::string_view guest) const { return lstat(guest).has_value(); }

std::optional<struct stat> Rootfs::lstat(std::string_view guest) const {
  struct stat st;
  if (::lstat(host(guest, false).c_str(), &st) != 0) return std::nullopt;
  return st;
}

std::optional<std::string> Rootfs::read(std::string_view guest) const {
  std::ifstream in(host(guest), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Rootfs::write(std::string_view guest, std::string_view content, mode_t mode, uid_t uid, gid_t gid) const {
  fs::path dest = host(guest);
  fs::create_directories(dest.parent_path());
  fs::path tmp = dest;
  tmp += ".sarga-tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) sys_fail("create", tmp);
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      sys_fail("write", tmp);
    }
    p += n;
    left -= n;
  }
  if (::fchown(fd, uid, gid) != 0 || ::fchmod(fd, mode) != 0) {
    ::close(fd);
    sys_fail("chown/chmod", tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), dest.c_str()) != 0) sys_fail("rename", dest);
}

void Rootfs::append_line_if_missing(std::string_view guest, const std::string& line, mode_t mode) const {
  auto current = read(guest).value_or("");
  for (const auto& l : split_lines(current))
    if (trim(l) == trim(line)) return;
  if (!current.empty() && current.back() != '\n') current += '\n';
  auto st = lstat(guest);
  write(guest, current + line + "\n", st ? (st->st_mode & 07777) : mode, st ? st->st_uid : 0, st ? st->st_gid : 0);
}

bool Rootfs::remove(std::string_view guest) const {
  fs::path p = host(guest, false);
  std::error_code ec;
  bool existed = fs::remove(p, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) throw std::runtime_error(p.string() + ": " + ec.message());
  return existed;
}

void Rootfs::remove_tree_contents(std::string_view guest) const {
  fs::path dir = host(guest);
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return;
  for (const auto& e : fs::directory_iterator(dir)) fs::remove_all(e.path());
}

void Rootfs::chmod(std::string_view guest, mode_t mode) const {
  fs::path p = host(guest);
  if (::chmod(p.c_str(), mode) != 0) sys_fail("chmod", p);
}

void Rootfs::chown(std::string_view guest, uid_t uid, gid_t gid) const {
  fs::path p = host(guest, false);
  if (::lchown(p.c_str(), uid, gid) != 0) sys_fail("chown", p);
}

void Rootfs::symlink(std::string_view target, std::string_view guest) const {
  fs::path p = host(guest, false);
  fs::create_directories(p.parent_path());
  std::error_code ec;
  fs::remove(p, ec);
  if (::symlink(std::string(target).c_str(), p.c_str()) != 0) sys_fail("symlink", p);
}

std::vector<std::string> Rootfs::list(std::string_view guest_dir) const {
  std::vector<std::string> names;
  std::error_code ec;
  fs::path dir = host(guest_dir);
  if (!fs::is_directory(dir, ec)) return names;
  for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

namespace {
std::optional<unsigned> lookup_id(const std::optional<std::string>& db, const std::string& name) {
  if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) return std::stoul(name);
  if (!db) return std::nullopt;
  for (const auto& line : split_lines(*db)) {
    auto c1 = line.find(':');
    if (c1 == std::string::npos || line.substr(0, c1) != name) continue;
    auto c2 = line.find(':', c1 + 1);
    auto c3 = line.find(':', c2 + 1);
    if (c2 == std::string::npos || c3 == std::string::npos) return std::nullopt;
    try {
      return std::stoul(line.substr(c2 + 1, c3 - c2 - 1));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}
}  // namespace

std::optional<uid_t> Rootfs::uid_of(const std::string& user) const { return lookup_id(read("/etc/passwd"), user); }
std::optional<gid_t> Rootfs::gid_of(const std::string& group) const { return lookup_id(read("/etc/group"), group); }

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split_ws(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string to_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace sarga::steps
