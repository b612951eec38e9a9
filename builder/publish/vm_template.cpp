#include "builder/publish/vm_template.h"

#include <chrono>
#include <ctime>
#include <regex>
#include <stdexcept>

#include "builder/publish/pve_connect.h"
#include "builder/publish/vm_template_plan.h"
#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"
#include "lib/pve/vmid.h"

namespace fs = std::filesystem;

namespace sarga::publish {

namespace {

constexpr const char* kWhat = "proxmox-vm-template";
constexpr pve::GuestKind kQemu = pve::GuestKind::qemu;

std::runtime_error failure(const std::string& text) { return std::runtime_error(std::string(kWhat) + ": " + text); }

std::string utc_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

struct Version {
  PublishedTemplate t;
  std::string sha256;
};

// This name's sarga-build templates, from the nodes' own lists (not the lagging
// /cluster/resources), with the sha and ctime out of each config.
std::vector<Version> list_versions(const pve::Client& client, const std::string& name) {
  pve::Guests guests(client);
  std::vector<Version> out;
  for (const auto& e : pve::find_live(client, kQemu, name, {"sarga-build"})) {
    if (!e.template_) continue;  // a VM of that name that is no template is not one of our versions
    pve::GuestConfig cfg;
    try {
      cfg = guests.config(e.node, kQemu, e.vmid);
    } catch (const pve::Error& err) {
      if (err.kind() == pve::ErrorKind::not_found) continue;  // removed since the listing
      throw;
    }
    auto sha = sha_from_description(cfg.get("description").value_or(""));
    if (!sha) continue;
    out.push_back({{e.vmid, e.node, ctime_from_meta(cfg.get("meta").value_or("")), false}, *sha});
  }
  return out;
}

// Uploads the image as content "import" unless the same volume (name carries the sha) with
// the same size is already there. Returns the volume id.
std::string ensure_uploaded(const pve::Client& client, const tmpl::ProxmoxVmTemplateSettings& s, const fs::path& image,
                            const std::string& filename, const std::string& sha256,
                            const std::function<void(const std::string&)>& say, nlohmann::json& report) {
  const std::string volid = s.import_storage + ":import/" + filename;
  const std::uint64_t size = fs::file_size(image);
  for (const auto& c : client.storage_content(s.node, s.import_storage, "import"))
    if (c.volid == volid && c.size == size) {
      say("image already on " + s.node + "/" + s.import_storage + " (same name and size): " + volid);
      report["uploaded"] = false;
      return volid;
    }
  say("uploading " + image.filename().string() + " (" + std::to_string(size) + " bytes) to " + s.node + "/" +
      s.import_storage + " as " + volid);
  auto task = client.wait_task(client.upload(s.node, s.import_storage, "import", image.string(), filename, sha256, "sha256"));
  for (const auto& w : task.warning_lines) say("upload task warning: " + w);
  report["uploaded"] = true;
  return volid;
}

// Removes a VM whose create or template conversion failed; returns what happened, for the error.
// `in_flight` is the UPID of a task that may still run on the VM (an interrupted wait).
std::string remove_half_made(const PveTarget& target, const std::string& node, int vmid, const std::string& in_flight,
                             const std::function<void(const std::string&)>& say) {
  // A fresh client without the build's cancel flag: an interrupted build still cleans up.
  pve::Guests guests(connect_to_pve(target, PublishContext{}));
  std::string id = std::to_string(vmid);
  pve::WaitOptions wait;
  wait.timeout = std::chrono::minutes(2);
  try {
    // PVE refuses to destroy a VM while its create/template task holds the lock.
    if (!in_flight.empty()) guests.client().wait_task(in_flight, wait);
  } catch (const pve::Error&) {
    // A failed task is why we clean up; the destroy below says whether anything is left.
  }
  try {
    guests.client().wait_task(guests.destroy(node, kQemu, vmid, true), wait);
    say("removed the half-made VM " + id + " on " + node);
    return "removed VM " + id + " (not a usable template)";
  } catch (const pve::Error& e) {
    if (e.kind() == pve::ErrorKind::not_found) return "VM " + id + " is gone (PVE removed it)";
    say("could not remove the half-made VM " + id + ": " + e.what());
    return "VM " + id + " on " + node + " could NOT be removed (" + e.what() + "): remove it by hand";
  }
}

// Creates the VM (next free VMID unless one is set), waits for it, converts it to a template.
int create_template(const pve::Client& client, const PveTarget& target, const tmpl::ProxmoxVmTemplateSettings& s,
                    const pve::Params& params, const std::function<void(const std::string&)>& say) {
  pve::Guests guests(client);
  pve::VmidPolicy policy;
  policy.fixed = s.vmid;
  std::string upid;
  int vmid = 0;
  try {
    vmid = pve::create_with_free_vmid(
        client, policy, [&](int id) { return guests.create(s.node, kQemu, id, params); }, &upid);
  } catch (const pve::Error& e) {
    throw failure("creating the VM on " + s.node + " failed: " + e.what());
  }
  say("creating VM " + std::to_string(vmid) + " on " + s.node);
  std::string step = "its create task";
  std::string in_flight = upid;
  try {
    client.wait_task(upid);
    in_flight.clear();
    step = "the conversion to a template";
    say("converting VM " + std::to_string(vmid) + " to a template");
    if (auto t = guests.make_template(s.node, kQemu, vmid)) {
      in_flight = *t;
      client.wait_task(*t);
    }
  } catch (const std::exception& e) {
    std::string cleanup = remove_half_made(target, s.node, vmid, in_flight, say);
    throw failure("VM " + std::to_string(vmid) + " on " + s.node + ": " + step + " failed: " + e.what() + "; " + cleanup);
  }
  return vmid;
}

// Deletes versions beyond `keep`; PVE refusing (linked clones use it) is a warning.
void prune(const pve::Client& client, const tmpl::ProxmoxVmTemplateSettings& s, const std::string& name, int current,
           const std::function<void(const std::string&)>& say, nlohmann::json& report) {
  if (s.keep <= 0) return;
  std::vector<PublishedTemplate> all;
  for (auto& v : list_versions(client, name)) {
    v.t.current = v.t.vmid == current;
    all.push_back(v.t);
  }
  pve::Guests guests(client);
  for (const auto& old : beyond_keep(all, s.keep)) {
    std::string id = std::to_string(old.vmid);
    say("removing old template " + id + " on " + old.node + " (keep = " + std::to_string(s.keep) + ")");
    try {
      client.wait_task(guests.destroy(old.node, kQemu, old.vmid, true));
      report["deleted"].push_back(old.vmid);
    } catch (const pve::Error& e) {
      if (e.kind() == pve::ErrorKind::cancelled) throw;
      std::string w = "could not remove old template " + id + " on " + old.node + ": " + e.what();
      say("WARNING: " + w);
      report["warnings"].push_back(w);
    }
  }
}

void validate(const tmpl::ProxmoxVmTemplateSettings& s, const std::string& sha256) {
  require_settings(kWhat, {{&s.endpoint, "endpoint"}, {&s.token, "token"}, {&s.node, "node"}, {&s.storage, "storage"}});
  if (s.import_from.empty()) require_settings(kWhat, {{&s.import_storage, "import_storage"}});
  if (s.keep < 0) throw failure("keep must be 0 (keep all) or more");
  if (!s.import_from.empty() && s.import_from[0] == '/')
    throw failure("import_from = \"" + s.import_from +
                  "\": PVE takes a filesystem path only from root@pam itself, never from an API token (\"Only root "
                  "can pass arbitrary filesystem paths\"); give a volume id such as local:import/<file> instead");
  if (!std::regex_match(sha256, std::regex("[0-9a-f]{64}")))
    throw failure("the image's sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
}

}  // namespace

nlohmann::json publish_vm_template(const tmpl::ProxmoxVmTemplateSettings& s, const fs::path& image,
                                   const std::string& sha256, const std::string& build_name,
                                   const PublishContext& ctx) {
  auto say = [&](const std::string& l) {
    if (ctx.log) ctx.log(l);
  };
  validate(s, sha256);
  const std::string name = s.name.empty() ? build_name : s.name;
  const PveTarget target{kWhat, s.endpoint, s.token, s.fingerprint, s.ca_file, s.insecure};
  pve::Client client = connect_to_pve(target, ctx);
  nlohmann::json report = {{"node", s.node},   {"vmid", nullptr},    {"name", name},
                           {"created", false}, {"uploaded", false},  {"skipped_reason", nullptr},
                           {"import_volume", nullptr}, {"deleted", nlohmann::json::array()},
                           {"warnings", nlohmann::json::array()},     {"sha256", sha256}};

  Version same;
  for (const auto& v : list_versions(client, name))
    if (v.sha256 == sha256 && (same.t.vmid == 0 || v.t.ctime > same.t.ctime)) same = v;
  int vmid = same.t.vmid;
  if (vmid) {
    say("template " + name + " with this image (sha256 " + sha256.substr(0, 12) + ") already exists: VM " +
        std::to_string(vmid) + " on " + same.t.node);
    report["node"] = same.t.node;
    report["skipped_reason"] = "a template with this name and sha256 already exists";
  } else {
    std::string source = s.import_from;
    if (source.empty()) {
      std::string filename = import_filename(name, sha256, detect_image_format(image));
      source = ensure_uploaded(client, s, image, filename, sha256, say, report);
      report["import_volume"] = source;
    } else {
      say("importing the disk from " + source + " (no upload)");
    }
    auto params = vm_create_params(s, name, source, vm_description(build_name, sha256, image.filename().string(), utc_now()));
    vmid = create_template(client, target, s, params, say);
    report["created"] = true;
    say("template " + name + " is VM " + std::to_string(vmid) + " on " + s.node);
    if (s.import_from.empty()) {
      // The disk was copied into the VM; the uploaded file only takes space now. The
      // template is done either way, so a failed delete is a warning.
      try {
        if (auto upid = client.delete_volume(s.node, s.import_storage, source)) client.wait_task(*upid);
        say("deleted the uploaded import volume " + source);
        report["import_volume_deleted"] = true;
      } catch (const pve::Error& e) {
        if (e.kind() == pve::ErrorKind::cancelled) throw;
        std::string w = "could not delete the uploaded import volume " + source + ": " + e.what();
        say("WARNING: " + w);
        report["warnings"].push_back(w);
        report["import_volume_deleted"] = false;
      }
    }
  }
  report["vmid"] = vmid;
  prune(client, s, name, vmid, say, report);
  return report;
}

}  // namespace sarga::publish
