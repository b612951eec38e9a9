#include "builder/publish/publish.h"

#include <algorithm>
#include <stdexcept>

#include "builder/publish/pve_connect.h"
#include "lib/pve/client.h"

namespace fs = std::filesystem;

namespace sarga::publish {

std::string template_family(const std::string& filename) { return filename.substr(0, filename.find('_')); }

namespace {
std::string file_of(const std::string& volid) {
  auto slash = volid.rfind('/');
  return slash == std::string::npos ? volid.substr(volid.find(':') + 1) : volid.substr(slash + 1);
}
}  // namespace

nlohmann::json publish_to_proxmox(const tmpl::ProxmoxSettings& s, const fs::path& archive, const std::string& sha256,
                                  const PublishContext& ctx) {
  auto say = [&](const std::string& l) {
    if (ctx.log) ctx.log(l);
  };
  require_settings("proxmox", {{&s.endpoint, "endpoint"}, {&s.token, "token"}, {&s.node, "node"}, {&s.storage, "storage"}});
  if (s.keep < 0) throw std::runtime_error("proxmox: keep must be 0 (keep all) or more");
  pve::Client client = connect_to_pve({"proxmox", s.endpoint, s.token, s.fingerprint, s.ca_file, s.insecure}, ctx);

  const std::string filename = archive.filename().string();
  const std::string volid = s.storage + ":vztmpl/" + filename;
  const std::uint64_t size = fs::file_size(archive);
  nlohmann::json report = {{"node", s.node}, {"storage", s.storage}, {"volid", volid}, {"uploaded", false},
                           {"deleted", nlohmann::json::array()}, {"sha256", sha256}};

  auto existing = client.storage_content(s.node, s.storage, "vztmpl");
  auto same = std::find_if(existing.begin(), existing.end(), [&](const pve::StorageContent& c) { return c.volid == volid; });
  // The API exposes no stored checksum; archives are reproducible, so the versioned
  // name plus the byte size identifies the content. Anything else is replaced.
  if (same != existing.end() && same->size == size) {
    say("already on " + s.storage + " (same name and size): " + volid);
    report["skipped_reason"] = "same name and size already present";
  } else {
    if (same != existing.end()) {
      say("replacing " + volid + " (size differs)");
      if (auto upid = client.delete_volume(s.node, s.storage, volid)) client.wait_task(*upid);
    }
    say("uploading " + filename + " (" + std::to_string(size) + " bytes) to " + s.node + "/" + s.storage);
    std::string upid = client.upload(s.node, s.storage, "vztmpl", archive.string(), filename, sha256, "sha256");
    auto task = client.wait_task(upid);
    for (const auto& w : task.warning_lines) say("task warning: " + w);
    report["uploaded"] = true;
    report["upid"] = upid;
    report["task_status"] = task.exitstatus;
  }

  if (s.keep > 0) {
    auto listing = client.storage_content(s.node, s.storage, "vztmpl");
    std::vector<pve::StorageContent> family;
    for (const auto& c : listing)
      if (template_family(file_of(c.volid)) == template_family(filename)) family.push_back(c);
    // Newest first; the version just published always counts as newest.
    std::sort(family.begin(), family.end(), [&](const pve::StorageContent& a, const pve::StorageContent& b) {
      bool ac = a.volid == volid, bc = b.volid == volid;
      if (ac != bc) return ac;
      if (a.ctime != b.ctime) return a.ctime > b.ctime;
      return a.volid > b.volid;
    });
    for (size_t i = static_cast<size_t>(s.keep); i < family.size(); ++i) {
      say("removing old template " + family[i].volid + " (keep = " + std::to_string(s.keep) + ")");
      if (auto upid = client.delete_volume(s.node, s.storage, family[i].volid)) client.wait_task(*upid);
      report["deleted"].push_back(family[i].volid);
    }
  }
  return report;
}

}  // namespace sarga::publish
