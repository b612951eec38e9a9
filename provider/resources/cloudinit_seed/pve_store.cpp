#include "provider/resources/cloudinit_seed/pve_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <regex>
#include <stdexcept>
#include <vector>

namespace sarga::resources::cloudinit_seed {
namespace {

// A private temporary file removed when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& data) {
    std::string dir = std::filesystem::temp_directory_path().string();
    std::string templ = dir + "/sarga-seed-XXXXXX";
    path_.assign(templ.begin(), templ.end());
    path_.push_back('\0');
    int fd = ::mkstemp(path_.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file in " + dir + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int err = errno;
        ::close(fd);
        ::unlink(path_.data());
        throw std::runtime_error(std::string("cannot write a temporary file: ") + std::strerror(err));
      }
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  ~TempFile() { ::unlink(path_.data()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  std::string path() const { return path_.data(); }

 private:
  std::vector<char> path_;
};

pve::WaitOptions wait_for(std::chrono::milliseconds timeout) {
  pve::WaitOptions w;
  w.timeout = timeout;
  return w;
}

}  // namespace

std::string seed_file_name(const std::optional<std::string>& hostname, const std::string& sha256_hex) {
  std::string host;
  for (char c : hostname.value_or("seed"))
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') host.push_back(c);
  if (host.empty()) host = "seed";
  if (host.size() > 63) host.resize(63);
  return "sarga-seed-" + host + "-" + sha256_hex.substr(0, 16) + ".iso";
}

std::string seed_volume_id(const std::string& storage, const std::string& file_name) {
  return storage + ":iso/" + file_name;
}

std::optional<std::pair<std::string, std::string>> split_iso_volume_id(const std::string& volume_id) {
  static const std::regex re("^([A-Za-z][A-Za-z0-9\\-_.]*):iso/([^/]+\\.iso)$", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(volume_id, m, re)) return std::nullopt;
  return std::make_pair(m[1].str(), m[2].str());
}

std::optional<StoredVolume> find_iso(const pve::Client& client, const std::string& node, const std::string& storage,
                                     const std::string& volid) {
  auto list = client.with_retry([&] { return client.storage_content(node, storage, "iso"); });
  for (const auto& v : list)
    if (v.volid == volid) return StoredVolume{v.volid, v.size};
  return std::nullopt;
}

pve::TaskResult upload_iso(const pve::Client& client, const std::string& node, const std::string& storage,
                           const std::string& file_name, const std::string& iso, const std::string& sha256_hex,
                           std::chrono::milliseconds timeout) {
  TempFile file(iso);
  std::string upid = client.upload(node, storage, "iso", file.path(), file_name, sha256_hex, "sha256");
  return client.wait_task(upid, wait_for(timeout));
}

void delete_iso(const pve::Client& client, const std::string& node, const std::string& storage,
                const std::string& volid, std::chrono::milliseconds timeout) {
  if (auto upid = client.delete_volume(node, storage, volid)) client.wait_task(*upid, wait_for(timeout));
}

}  // namespace sarga::resources::cloudinit_seed
