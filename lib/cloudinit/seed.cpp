#include "lib/cloudinit/seed.h"

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <regex>
#include <stdexcept>

#include "lib/artifact/hash.h"
#include "lib/artifact/iso.h"
#include "lib/cloudinit/encoding.h"
#include "lib/cloudinit/network_config.h"
#include "lib/cloudinit/yaml_check.h"

namespace sarga::cloudinit {
namespace {

const Path kRoot;

bool valid_hostname(const std::string& h) {
  // RFC 1123: dot-separated labels of letters, digits and inner hyphens, 1..63 each.
  static const std::regex label_re(R"(^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$)");
  if (h.empty() || h.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    auto dot = h.find('.', start);
    if (!std::regex_match(h.substr(start, dot - start), label_re)) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

bool has_control_chars(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// JSON strings are valid YAML double-quoted scalars, with every special character escaped.
std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }

std::string yaml_key(const std::string& key) {
  static const std::regex plain(R"(^[A-Za-z_][A-Za-z0-9_-]*$)");
  return std::regex_match(key, plain) ? key : quoted(key);
}

std::string render_meta_data(const SeedInput& in, const std::string& instance_id) {
  std::string out = "instance-id: " + quoted(instance_id) + "\n";
  if (in.hostname) out += "local-hostname: " + quoted(*in.hostname) + "\n";
  for (const auto& [k, v] : in.meta_data) out += yaml_key(k) + ": " + quoted(v) + "\n";
  return out;
}

std::string user_data_document(const SeedInput& in) {
  if (!in.parts.empty()) return render_multipart(in.parts);
  return in.user_data.value_or("");
}

std::string user_data_file(const SeedInput& in) {
  std::string doc = user_data_document(in);
  return in.gzip ? gzip_bytes(doc) : doc;
}

std::map<std::string, std::string> read_iso_files(const std::string& iso) {
  std::unique_ptr<struct archive, decltype(&archive_read_free)> a(archive_read_new(),
                                                                   archive_read_free);
  archive_read_support_format_iso9660(a.get());
  if (archive_read_open_memory(a.get(), iso.data(), iso.size()) != ARCHIVE_OK)
    throw std::runtime_error(std::string("not an ISO9660 image: ") +
                             archive_error_string(a.get()));
  std::map<std::string, std::string> files;
  struct archive_entry* e = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    la_int64_t size = archive_entry_size(e);
    if (size < 0 || size > (64 << 20)) throw std::runtime_error("seed file too large");
    std::string body(static_cast<std::size_t>(size), '\0');
    if (archive_read_data(a.get(), body.data(), body.size()) != static_cast<la_ssize_t>(size))
      throw std::runtime_error(std::string("cannot read ") + archive_entry_pathname(e));
    files[archive_entry_pathname(e)] = std::move(body);
  }
  if (rc != ARCHIVE_EOF)
    throw std::runtime_error(std::string("corrupt ISO image: ") + archive_error_string(a.get()));
  return files;
}

// The image's dates, a point in 2000..2029 picked by the content: still deterministic, but
// different seeds get different volume UUIDs (blkid derives them from the volume dates), so
// /dev/disk/by-uuid links do not collide when several seeds are attached.
std::int64_t image_timestamp(const std::vector<artifact::IsoFile>& files) {
  artifact::Hasher h;
  for (const auto& f : files) {
    h.update(f.name);
    h.update(std::string(1, '\0') + std::to_string(f.content.size()) + '\0');
    h.update(f.content);
  }
  std::uint32_t bits = static_cast<std::uint32_t>(std::stoul(h.hex_digest().substr(0, 8), nullptr, 16));
  constexpr std::int64_t k2000 = 946684800, kThirtyYears = 946080000;
  return k2000 + static_cast<std::int64_t>(bits) % kThirtyYears;
}

}  // namespace

Problems validate_seed(const SeedInput& in) {
  Problems out = validate_seed_fields(in);
  if (in.user_data && !in.parts.empty())
    out.push_back({kRoot.attribute("part"), "Conflicting user data",
                   "set either user_data or part blocks, not both; a raw document can be one "
                   "part with content_type = \"text/cloud-config\""});
  for (std::size_t i = 0; i < in.parts.size(); ++i)
    validate_part(in.parts[i], kRoot.attribute("part").index(static_cast<int64_t>(i)), out);
  return out;
}

Problems validate_seed_fields(const SeedInput& in) {
  Problems out;
  if (in.hostname && !valid_hostname(*in.hostname))
    out.push_back({kRoot.attribute("hostname"), "Invalid hostname",
                   "\"" + *in.hostname + "\" is not a valid host name: use letters, digits and "
                   "hyphens in dot-separated labels of at most 63 characters"});
  if (in.instance_id && (in.instance_id->empty() || has_control_chars(*in.instance_id) ||
                         in.instance_id->find(' ') != std::string::npos))
    out.push_back({kRoot.attribute("instance_id"), "Invalid instance_id",
                   "the instance id must be non-empty and contain no spaces or control characters"});
  if (in.user_data) validate_user_data(*in.user_data, kRoot.attribute("user_data"), out);
  for (const auto& [key, value] : in.meta_data) {
    Path p = kRoot.attribute("meta_data").key(key);
    if (key == "instance-id" || key == "local-hostname")
      out.push_back({p, "Reserved meta_data key",
                     "set \"" + key + "\" with the " +
                         (key == "instance-id" ? "instance_id" : "hostname") +
                         " attribute instead of meta_data"});
    else if (key.empty() || has_control_chars(key))
      out.push_back({p, "Invalid meta_data key", "keys must be non-empty without control characters"});
  }
  if (in.network_config)
    validate_network_config(*in.network_config, kRoot.attribute("network_config"), out);
  if (in.vendor_data) validate_user_data(*in.vendor_data, kRoot.attribute("vendor_data"), out);
  return out;
}

std::string derive_instance_id(const SeedInput& in) {
  artifact::Hasher h;
  auto field = [&](std::string_view name, std::string_view value) {
    h.update(name);
    h.update(std::string(1, '\0') + std::to_string(value.size()) + '\0');
    h.update(value);
  };
  field("user-data", user_data_file(in));
  if (in.hostname) field("local-hostname", *in.hostname);
  for (const auto& [k, v] : in.meta_data) field("meta:" + k, v);
  if (in.network_config) field("network-config", *in.network_config);
  if (in.vendor_data) field("vendor-data", *in.vendor_data);
  return "iid-" + h.hex_digest().substr(0, 16);
}

RenderedSeed render_seed(const SeedInput& in) {
  if (Problems p = validate_seed(in); !p.empty())
    throw std::invalid_argument(p.front().path.to_string() + ": " + p.front().detail);
  RenderedSeed out;
  out.instance_id = in.instance_id ? *in.instance_id : derive_instance_id(in);
  std::string doc = user_data_document(in);
  out.user_data_file = in.gzip ? gzip_bytes(doc) : doc;
  out.rendered_user_data = in.gzip ? base64_encode(out.user_data_file) : doc;
  out.meta_data_file = render_meta_data(in, out.instance_id);
  std::vector<artifact::IsoFile> files = {{"user-data", out.user_data_file},
                                          {"meta-data", out.meta_data_file}};
  if (in.network_config) files.push_back({"network-config", *in.network_config});
  if (in.vendor_data) files.push_back({"vendor-data", *in.vendor_data});
  std::int64_t timestamp = image_timestamp(files);
  out.iso = artifact::render_iso(std::move(files), {.volume_id = "cidata", .timestamp = timestamp});
  out.sha256 = artifact::sha256_hex(out.iso);
  return out;
}

SeedInput parse_seed_iso(const std::string& iso) {
  std::map<std::string, std::string> files = read_iso_files(iso);
  auto meta = files.find("meta-data");
  auto user = files.find("user-data");
  if (meta == files.end() || user == files.end())
    throw std::runtime_error("the image has no meta-data or user-data file; not a NoCloud seed");

  SeedInput in;
  YamlParse parsed = parse_yaml(meta->second);
  if (parsed.error) throw std::runtime_error("meta-data: " + *parsed.error);
  if (!parsed.root.IsMap()) throw std::runtime_error("meta-data is not a YAML mapping");
  for (const auto& kv : parsed.root) {
    std::string key = kv.first.Scalar();
    if (!kv.second.IsScalar())
      throw std::runtime_error("meta-data key \"" + key + "\" is not a string");
    std::string value = kv.second.Scalar();
    if (key == "instance-id")
      in.instance_id = value;
    else if (key == "local-hostname")
      in.hostname = value;
    else
      in.meta_data[key] = value;
  }
  if (!in.instance_id) throw std::runtime_error("meta-data has no instance-id");

  std::string doc = user->second;
  if (looks_gzipped(doc)) {
    doc = gunzip_bytes(doc);
    in.gzip = true;
  }
  if (auto parts = parse_multipart(doc))
    in.parts = std::move(*parts);
  else if (!doc.empty())
    in.user_data = doc;
  if (auto it = files.find("network-config"); it != files.end()) in.network_config = it->second;
  if (auto it = files.find("vendor-data"); it != files.end()) in.vendor_data = it->second;
  return in;
}

}  // namespace sarga::cloudinit
