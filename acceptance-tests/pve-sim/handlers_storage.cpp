// Node storage status, content list/allocate/read/delete, multipart upload, download-url.
#include <algorithm>
#include <regex>

#include "acceptance-tests/pve-sim/api_error.h"
#include "acceptance-tests/pve-sim/checksums.h"
#include "acceptance-tests/pve-sim/prop_string.h"
#include "acceptance-tests/pve-sim/router.h"
#include "acceptance-tests/pve-sim/url_fetch.h"

namespace sarga::pvesim {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& c : items) out += (out.empty() ? "" : ",") + c;
  return out;
}

nlohmann::json storage_status_entry(SimCore& core, const StorageDef& s, const std::string& node) {
  uint64_t used = core.storage_used(s, node);
  return {{"storage", s.id}, {"type", s.type}, {"content", join(s.content)}, {"active", 1},
          {"enabled", 1}, {"shared", s.shared ? 1 : 0}, {"total", s.capacity}, {"used", used},
          {"avail", s.capacity > used ? s.capacity - used : 0},
          {"used_fraction", s.capacity ? static_cast<double>(used) / static_cast<double>(s.capacity) : 0.0}};
}

nlohmann::json node_storage(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  std::string content = call.str("content"), only = call.str("storage");
  std::shared_lock lk(core.mutex);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : core.config.storages) {
    if (!core.config.storage_on_node(s, node)) continue;
    if (!only.empty() && s.id != only) continue;
    if (!content.empty()) {
      bool any = false;
      std::string c;
      for (char ch : content + ",") {
        if (ch == ',') {
          any = any || s.content.count(c);
          c.clear();
        } else {
          c.push_back(ch);
        }
      }
      if (!any) continue;
    }
    out.push_back(storage_status_entry(core, s, node));
  }
  return out;
}

nlohmann::json storage_status(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  std::shared_lock lk(core.mutex);
  return storage_status_entry(core, core.storage_or_throw(node, call.str("storage")), node);
}

nlohmann::json volume_json(const Volume& v) {
  nlohmann::json j = {{"volid", v.volid}, {"content", v.content}, {"format", v.format},
                      {"size", v.size}, {"ctime", v.ctime}};
  if (v.vmid) j["vmid"] = v.vmid;
  if (!v.parent.empty()) j["parent"] = v.parent;
  if (!v.notes.empty()) j["notes"] = v.notes;
  if (v.is_protected) j["protected"] = 1;
  if (v.content == "images" || v.content == "rootdir") j["used"] = v.size / 4;
  return j;
}

nlohmann::json content_list(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  std::shared_lock lk(core.mutex);
  const StorageDef& s = core.storage_or_throw(node, call.str("storage"));
  std::string content = call.str("content");
  long long vmid = call.integer("vmid", 0);
  nlohmann::json out = nlohmann::json::array();
  auto it = core.volumes.find(core.location(s, node));
  if (it == core.volumes.end()) return out;
  for (const auto& [id, v] : it->second) {
    if (!content.empty() && v.content != content) continue;
    if (vmid && v.vmid != vmid) continue;
    out.push_back(volume_json(v));
  }
  return out;
}

// "{volume}" may be "local:iso/x.iso" or "iso/x.iso" (storage implied).
std::string full_volid(const Call& call) {
  std::string vol = call.str("volume");
  return vol.find(':') == std::string::npos ? call.str("storage") + ":" + vol : vol;
}

nlohmann::json content_read(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  std::shared_lock lk(core.mutex);
  const StorageDef& s = core.storage_or_throw(node, call.str("storage"));
  std::string volid = full_volid(call);
  Volume* v = core.find_volume(node, volid);
  if (!v) throw server_error("volume '" + volid + "' does not exist");
  std::string name = volid.substr(volid.find(':') + 1);
  std::string path = s.type == "lvmthin" ? "/dev/pve/" + name : s.path + "/" + name;
  nlohmann::json j = {{"path", path}, {"size", v->size}, {"used", v->size}, {"format", v->format}};
  if (!v->notes.empty()) j["notes"] = v->notes;
  j["protected"] = v->is_protected ? 1 : 0;
  return j;
}

// Guests whose config names `volid`.
int volume_user(SimCore& core, const std::string& volid) {
  for (const auto& [vmid, g] : core.guests)
    for (const auto& [k, val] : g.config.current)
      if (val == volid || val.rfind(volid + ",", 0) == 0) return vmid;
  return 0;
}

nlohmann::json content_delete(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  std::unique_lock lk(core.mutex);
  core.storage_or_throw(node, call.str("storage"));
  std::string volid = full_volid(call);
  Volume* v = core.find_volume(node, volid);
  if (!v) throw server_error("volume '" + volid + "' does not exist");
  if (v->is_protected) throw server_error("volume '" + volid + "' is protected");
  if (int user = volume_user(core, volid))
    throw server_error("unable to delete volume '" + volid + "' - used by guest " + std::to_string(user));
  TaskSpec spec;
  spec.node = node;
  spec.type = "imgdel";
  spec.id = "";  // pve-storage forks imgdel without an id
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of("imgdel");
  spec.log = {"Removed volume '" + volid + "'"};
  // PVE removes the volume within the worker; do it at once so a listing right after agrees.
  core.free_volume(node, volid);
  return core.start_task(std::move(spec));
}

nlohmann::json content_alloc(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  std::unique_lock lk(core.mutex);
  const StorageDef& s = core.storage_or_throw(node, call.str("storage"));
  if (!s.content.count("images") && !s.content.count("rootdir"))
    throw server_error("storage '" + s.id + "' does not support vm images");
  int vmid = static_cast<int>(call.integer("vmid"));
  auto kib = parse_size(call.str("size"), 'K');
  if (!kib) throw param_error("size", "value does not match the regex pattern");
  std::string name = call.str("filename");
  std::string fmt = call.str("format");
  for (const char* ext : {".raw", ".qcow2", ".vmdk"})
    if (ends_with(name, ext)) {
      if (fmt.empty()) fmt = std::string(ext).substr(1);
      name = name.substr(0, name.size() - std::string(ext).size());
    }
  std::string prefix = "vm-" + std::to_string(vmid) + "-";
  if (name.rfind(prefix, 0) != 0 && name.rfind("base-" + std::to_string(vmid) + "-", 0) != 0)
    throw server_error("illegal name '" + name + "' - should be 'vm-" + std::to_string(vmid) + "-*'");
  core.dirty = true;
  return core.allocate_disk(node, s.id, vmid, *kib, fmt, name);
}

// Where a finished upload/download lands and the checks PVE does before starting the worker.
struct Landing {
  std::string volid;
  std::string format;
};

Landing check_landing(SimCore& core, const Call& call, const std::string& node, const std::string& filename) {
  const StorageDef& s = core.storage_or_throw(node, call.str("storage"));
  std::string content = call.str("content");
  std::string fmt;
  if (content == "iso") {
    if (!ends_with(filename, ".iso") && !ends_with(filename, ".img"))
      throw param_error("filename", "wrong file extension");
    fmt = filename.substr(filename.rfind('.') + 1);
  } else if (content == "vztmpl") {
    bool ok = false;
    for (const char* ext : {".tar.gz", ".tar.xz", ".tar.zst", ".tgz", ".tar.bz2"})
      if (ends_with(filename, ext)) {
        ok = true;
        fmt = std::string(ext).substr(1);
      }
    if (!ok) throw param_error("filename", "wrong file extension");
  } else if (content == "import") {
    // pve-storage: SAFE_CHAR_CLASS_RE+ UPLOAD_IMPORT_EXT_RE_1 (.ovf and .img are listed, never uploaded).
    static const std::regex upload_import("^[a-zA-Z0-9\\-.+=_]+\\.(ova|qcow2|raw|vmdk)$");
    std::smatch m;
    if (!std::regex_match(filename, m, upload_import))
      throw param_error("filename", "invalid filename or wrong extension");
    fmt = m[1];
  } else {
    throw param_error("content", "upload content type '" + content + "' is not allowed");
  }
  if (!s.content.count(content))
    throw server_error("storage '" + s.id + "' does not support '" + content + "' content");
  std::string volid = s.id + ":" + content + "/" + filename;
  return {volid, fmt};
}

std::string safe_filename(std::string name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
  for (char& c : name)
    // PVE::Storage::normalize_content_filename: SAFE_CHAR_CLASS_RE is [a-zA-Z0-9-.+=_].
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '+' || c == '='))
      c = '_';
  return name;
}

// Verifies the optional checksum; returns an error text for the task, "" when fine.
std::string checksum_error(const Call& call, const std::string& data) {
  if (!call.has("checksum")) return "";
  std::string algo = call.str("checksum-algorithm");
  if (algo.empty()) throw param_error("checksum-algorithm", "'checksum-algorithm' is required when 'checksum' is set");
  auto got = hex_digest(algo, data);
  std::string want = call.str("checksum");
  std::transform(want.begin(), want.end(), want.begin(), ::tolower);
  if (!got) return "unsupported checksum algorithm '" + algo + "'";
  if (*got != want) return "checksum mismatch: got '" + *got + "' != expect '" + want + "'";
  return "";
}

// The virtual size in a qcow2 header (big-endian u64 at offset 24), 0 when the data is no qcow2.
uint64_t qcow2_virtual_size(const std::string& data) {
  if (data.size() < 32 || data.compare(0, 4, std::string("QFI\xfb", 4)) != 0) return 0;
  uint64_t size = 0;
  for (int i = 24; i < 32; ++i) size = (size << 8) | static_cast<unsigned char>(data[static_cast<size_t>(i)]);
  return size;
}

std::string store_file_task(SimCore& core, const Call& call, const std::string& node, const Landing& landing,
                            std::string data, const std::string& type, std::vector<std::string> log,
                            std::string error) {
  const StorageDef& s = core.storage_or_throw(node, call.str("storage"));
  std::string loc = core.location(s, node);
  TaskSpec spec;
  spec.node = node;
  spec.type = type;
  spec.id = "";
  spec.user = call.caller.owner();
  spec.duration = core.timing.duration_of(type);
  spec.log = std::move(log);
  Volume v;
  v.volid = landing.volid;
  v.content = call.str("content");
  v.format = landing.format;
  v.size = data.size();
  v.ctime = core.wall();
  v.sha256 = *hex_digest("sha256", data);
  if (v.format == "qcow2") v.virtual_size = qcow2_virtual_size(data);
  spec.effect = [&core, loc, v, error](Task& t) {
    if (!error.empty()) throw std::runtime_error(error);
    core.volumes[loc][v.volid] = v;
    t.log.push_back("finished file import successfully");
  };
  return core.start_task(std::move(spec));
}

nlohmann::json upload(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  if (!call.upload) throw param_error("filename", "missing file upload (multipart field 'filename')");
  std::string filename = safe_filename(call.upload->filename.empty() ? call.str("filename") : call.upload->filename);
  std::unique_lock lk(core.mutex);
  Landing landing = check_landing(core, call, node, filename);
  std::string error = checksum_error(call, call.upload->content);
  std::vector<std::string> log = {"starting file import from: /var/tmp/pveupload-" +
                                      sha1_hex(filename).substr(0, 32),
                                  "target node: " + node, "target file: " + landing.volid,
                                  "file size is: " + std::to_string(call.upload->content.size())};
  if (call.has("checksum") && error.empty())
    log.push_back("calculating checksum...\nchecksum verified");
  return store_file_task(core, call, node, landing, std::move(call.upload->content), "imgcopy", log, error);
}

nlohmann::json download_url(SimCore& core, Call& call) {
  std::string node = call.str("node");
  core.node_or_throw(node);
  std::string filename = safe_filename(call.str("filename"));
  {
    std::shared_lock lk(core.mutex);
    check_landing(core, call, node, filename);
  }
  // Fetch before taking the state lock: loopback transfers are quick, and PVE's worker does
  // the same work before the file appears.
  FetchResult fetched = fetch_url(call.str("url"), call.flag("verify-certificates", true));
  std::unique_lock lk(core.mutex);
  Landing landing = check_landing(core, call, node, filename);
  std::string error = fetched.ok ? checksum_error(call, fetched.data) : fetched.error;
  std::vector<std::string> log = {"downloading " + call.str("url") + " to " + landing.volid};
  if (fetched.ok) log.push_back("download of '" + call.str("url") + "' finished");
  return store_file_task(core, call, node, landing, std::move(fetched.data), "download", log, error);
}

}  // namespace

void register_storage_handlers(Router& r) {
  r.add("GET", "/nodes/{node}/storage", node_storage);
  r.add("GET", "/nodes/{node}/storage/{storage}/status", storage_status);
  r.add("GET", "/nodes/{node}/storage/{storage}/content", content_list);
  r.add("POST", "/nodes/{node}/storage/{storage}/content", content_alloc);
  r.add("GET", "/nodes/{node}/storage/{storage}/content/{volume}", content_read);
  r.add("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}", content_delete);
  r.add("POST", "/nodes/{node}/storage/{storage}/upload", upload);
  r.add("POST", "/nodes/{node}/storage/{storage}/download-url", download_url);
}

}  // namespace sarga::pvesim
