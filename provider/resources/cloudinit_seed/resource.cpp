#include "provider/resources/cloudinit_seed/resource.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lib/artifact/hash.h"
#include "lib/cloudinit/seed.h"
#include "lib/pve/cluster.h"
#include "provider/resources/cloudinit_seed/pve_store.h"
#include "provider/resources/cloudinit_seed/seed_file.h"
#include "provider/resources/proxmox/client.h"

namespace sarga::resources::cloudinit_seed {
namespace {

using framework::Attribute;
using framework::Model;
// The seed itself lives in lib/cloudinit (sarga-build renders the same seeds).
using cloudinit::Part;
using cloudinit::Problem;
using cloudinit::Problems;
using cloudinit::RenderedSeed;
using cloudinit::SeedInput;
using cloudinit::parse_seed_iso;
using cloudinit::render_seed;
using cloudinit::validate_part;
using cloudinit::validate_seed;
using cloudinit::validate_seed_fields;

// The config as a SeedInput; `complete` is false when any value is still unknown (plan time),
// and `part_known[i]` tells which part blocks are wholly known.
struct Conversion {
  SeedInput input;
  std::optional<std::string> output_path;
  std::optional<std::string> node, storage;  // Proxmox mode when both are set
  bool complete = true;
  std::vector<bool> part_known;
};

Conversion from_model(const Model& m) {
  Conversion c;
  auto text = [&](std::string_view name, std::optional<std::string>& out) {
    if (!m.is_known(name))
      c.complete = false;
    else
      out = m.get_string(name);
  };
  text("hostname", c.input.hostname);
  text("instance_id", c.input.instance_id);
  text("user_data", c.input.user_data);
  text("network_config", c.input.network_config);
  text("vendor_data", c.input.vendor_data);
  text("output_path", c.output_path);
  text("node", c.node);
  text("storage", c.storage);
  if (!m.is_known("meta_data"))
    c.complete = false;
  else if (auto meta = m.get_string_map("meta_data"))
    c.input.meta_data = *meta;
  if (!m.is_known("gzip"))
    c.complete = false;
  else
    c.input.gzip = m.get_bool("gzip").value_or(false);
  if (!m.get("part").is_known()) {
    c.complete = false;
    return c;
  }
  for (const Model& p : m.get_list("part")) {
    bool known = p.value().is_wholly_known();
    c.complete = c.complete && known;
    c.part_known.push_back(known);
    Part part;
    if (known) {
      part.content_type = p.get_string("content_type").value_or("");
      part.filename = p.get_string("filename").value_or("");
      part.merge_type = p.get_string("merge_type").value_or("");
      part.content = p.get_string("content").value_or("");
    }
    c.input.parts.push_back(std::move(part));
  }
  return c;
}

// The library's attribute paths map one to one onto cty's.
cty::Path to_cty(const cloudinit::Path& path) {
  cty::Path out;
  for (const cloudinit::PathStep& step : path.steps()) {
    switch (step.kind) {
      case cloudinit::PathStep::Kind::attribute: out.push_attribute(step.name); break;
      case cloudinit::PathStep::Kind::key: out.push_key(step.name); break;
      case cloudinit::PathStep::Kind::index: out.push_index(step.index); break;
    }
  }
  return out;
}

void report(const Problems& problems, framework::Diagnostics& d) {
  for (const Problem& p : problems) d.error(to_cty(p.path), p.summary, p.detail);
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read " + path);
  return buf.str();
}

cty::Type part_type() {
  return cty::Type::object({{"content", cty::Type::string()},
                            {"content_type", cty::Type::string()},
                            {"filename", cty::Type::string()},
                            {"merge_type", cty::Type::string()}});
}

cty::Value optional_string(const std::optional<std::string>& s) {
  return s ? cty::Value::string(*s) : cty::Value::null(cty::Type::string());
}

cty::Value non_empty_string(const std::string& s) {
  return s.empty() ? cty::Value::null(cty::Type::string()) : cty::Value::string(s);
}

// Where the seed lives: id and volume_id. Local mode: the path; Proxmox mode: node/volume id
// (the file name derives from the image hash, so the plan already knows it).
void set_location(Model& m, const Conversion& c, const RenderedSeed& r) {
  if (c.node && c.storage) {
    std::string volid = seed_volume_id(*c.storage, seed_file_name(c.input.hostname, r.sha256));
    m.set_string("volume_id", volid);
    m.set_string("id", *c.node + "/" + volid);
  } else {
    m.set_null("volume_id");
    m.set_string("id", c.output_path.value_or(""));
  }
}

// Computed attributes from a rendered seed.
void set_rendered(Model& m, const RenderedSeed& r) {
  m.set_string("instance_id", r.instance_id);
  m.set_string("sha256", r.sha256);
  m.set_int("size", static_cast<int64_t>(r.iso.size()));
  m.set_string("rendered_user_data", r.rendered_user_data);
}

// Every configurable attribute from a seed read back from disk (import).
void set_input(Model& m, const SeedInput& in) {
  m.set("hostname", optional_string(in.hostname));
  m.set("user_data", optional_string(in.user_data));
  m.set("network_config", optional_string(in.network_config));
  m.set("vendor_data", optional_string(in.vendor_data));
  m.set_bool("gzip", in.gzip);
  if (in.meta_data.empty())
    m.set_null("meta_data");
  else
    m.set_string_map("meta_data", in.meta_data);
  cty::Value::Elements parts;
  for (const Part& p : in.parts)
    parts.push_back(cty::Value::object({{"content", cty::Value::string(p.content)},
                                        {"content_type", cty::Value::string(p.content_type)},
                                        {"filename", non_empty_string(p.filename)},
                                        {"merge_type", non_empty_string(p.merge_type)}}));
  m.set("part", cty::Value::list(part_type(), std::move(parts)));
}

class CloudinitSeed final : public framework::Resource {
 public:
  std::string type_name() const override { return "sarga_cloudinit_seed"; }

  framework::Schema schema() const override {
    framework::Schema s;
    s.description =
        "A cloud-init NoCloud seed: an ISO9660 image labelled `cidata` (Rock Ridge and Joliet) "
        "holding `user-data`, `meta-data` and optionally `network-config` and `vendor-data`, "
        "written to `output_path`, or uploaded to a Proxmox VE storage (`node` + `storage`, Proxmox mode). "
        "Identical inputs give a byte-identical image. Changing the content rewrites the file in place; "
        "a deleted or edited file is re-created by the next apply. Import with the path: "
        "`tofu import sarga_cloudinit_seed.x ./seed.iso`.\n\n"
        "**Proxmox mode** needs no SSH and no snippets storage: the image is uploaded through the API "
        "(content `iso`, checked by PVE against its SHA-256) as `sarga-seed-<hostname>-<16 hex of the "
        "hash>.iso`. A content change uploads a new volume and then removes the old one (while a VM "
        "still attaches the old one PVE refuses: that is a warning, and the seed's next apply or its "
        "destroy removes it), so `volume_id` changes and a `sarga_vm` attaching it "
        "through `cloud_init.seed_volume` swaps its cdrom in place instead of being replaced. A volume "
        "deleted outside OpenTofu is uploaded again. Import with `node/volume id` (or just the volume "
        "id; the node is then looked up): "
        "`tofu import sarga_cloudinit_seed.x pve1/local:iso/sarga-seed-web-01-0123456789abcdef.iso` "
        "(the image cannot be downloaded through the API, so the first apply after an import records "
        "the configuration's values; it uploads nothing when the content-derived name matches).";
    s.block.attributes = {
        Attribute::string("id").computed().use_state_for_unknown().describe(
            "The seed's `output_path`, or `node/volume_id` in Proxmox mode."),
        Attribute::string("output_path").optional().requires_replace().describe(
            "Where the ISO is written (missing directories are created). Changing it "
            "replaces the resource. Required unless `node` and `storage` are set; in Proxmox mode "
            "it is an extra local copy, written at apply but not checked for drift."),
        Attribute::string("node").optional().requires_replace().describe(
            "Proxmox mode: the node whose `storage` receives the ISO (with `storage`). Changing it "
            "replaces the resource."),
        Attribute::string("storage").optional().requires_replace().describe(
            "Proxmox mode: a storage with content type `iso` on `node` (with `node`). Changing it "
            "replaces the resource."),
        Attribute::string("volume_id").computed().describe(
            "Proxmox mode: the uploaded ISO's volume id (`local:iso/sarga-seed-web-01-<hash>.iso`), known "
            "at plan time; use it as `sarga_vm.cloud_init.seed_volume`. Null in local mode."),
        Attribute::string("hostname").optional().describe(
            "Guest host name, written as `local-hostname` in meta-data."),
        Attribute::string("instance_id").optional().computed().describe(
            "`instance-id` in meta-data. cloud-init runs per-instance modules again when it "
            "changes. Derived from the content (`iid-` and 16 hex digits) when unset, so it "
            "changes exactly when the seed does."),
        Attribute::string("user_data").optional().describe(
            "Raw user data: `#cloud-config` YAML (checked, errors name the line), a `#!` "
            "script, or another cloud-init format. Conflicts with `part` blocks."),
        Attribute::map_of("meta_data", cty::Type::string()).optional().describe(
            "Extra meta-data keys (`instance-id` and `local-hostname` come from "
            "`instance_id` and `hostname`)."),
        Attribute::string("network_config").optional().describe(
            "Network configuration version 2 (netplan format) for the `network-config` file, "
            "bare or under a top-level `network:` key."),
        Attribute::string("vendor_data").optional().describe(
            "Vendor data for the `vendor-data` file, in the same formats as `user_data`."),
        Attribute::boolean("gzip")
            .optional()
            .default_value(cty::Value::boolean(false))
            .describe("Compress the user-data file with gzip (cloud-init inflates it). "
                      "`rendered_user_data` then holds the base64 of the compressed bytes."),
        Attribute::string("sha256").computed().describe("SHA-256 of the ISO image (hex)."),
        Attribute::number("size").computed().describe("Size of the ISO image in bytes."),
        Attribute::string("rendered_user_data")
            .computed()
            .describe("The user-data file as written: the document, a multipart MIME document "
                      "for `part` blocks, or base64 when `gzip` is set."),
    };
    framework::Block part;
    part.description =
        "One section of a multipart MIME user-data document, as in hashicorp/cloudinit's "
        "`cloudinit_config`. Sections are written in order.";
    part.attributes = {
        Attribute::string("content_type").required().describe(
            "MIME type cloud-init handles: `text/cloud-config`, `text/x-shellscript`, "
            "`text/cloud-boothook`, `text/jinja2`, `text/part-handler`, ..."),
        Attribute::string("content").required().describe(
            "The section body; `text/cloud-config` is checked as YAML, scripts must start "
            "with `#!`."),
        Attribute::string("filename").optional().describe(
            "File name in the section's Content-Disposition header."),
        Attribute::string("merge_type").optional().describe(
            "`X-Merge-Type` header, e.g. `list(append)+dict(recurse_array)+str()`."),
    };
    s.block.blocks = {framework::NestedBlock("part", framework::Nesting::List, part)};
    return s;
  }

  void validate(const framework::ValidateRequest& req,
                framework::Diagnostics& diagnostics) const override {
    Conversion c = from_model(req.config);
    Problems problems = validate_seed_fields(c.input);
    cty::Value parts = req.config.get("part");
    if (!req.config.get("user_data").is_null() && parts.is_known() && !parts.is_null() &&
        parts.length() > 0)
      problems.push_back({cloudinit::Path().attribute("part"), "Conflicting user data",
                          "set either user_data or part blocks, not both; a raw document can be "
                          "one part with content_type = \"text/cloud-config\""});
    for (std::size_t i = 0; i < c.input.parts.size(); ++i)
      if (c.part_known[i])
        validate_part(c.input.parts[i],
                      cloudinit::Path().attribute("part").index(static_cast<int64_t>(i)), problems);
    if (c.output_path && c.output_path->empty())
      problems.push_back({cloudinit::Path().attribute("output_path"), "Empty output_path",
                          "set the path of the ISO file to write, e.g. \"${path.module}/seed.iso\""});
    bool node_known = req.config.is_known("node"), storage_known = req.config.is_known("storage");
    if (node_known && storage_known && req.config.is_known("output_path")) {
      bool node = !req.config.is_null("node"), storage = !req.config.is_null("storage");
      if (node != storage)
        problems.push_back({cloudinit::Path().attribute(node ? "storage" : "node"), "Incomplete Proxmox mode",
                            "set node and storage together to upload the seed to Proxmox VE"});
      else if (!node && req.config.is_null("output_path"))
        problems.push_back({cloudinit::Path().attribute("output_path"), "Missing output_path",
                            "set output_path (write the ISO locally) or node and storage (upload it to Proxmox VE)"});
    }
    report(problems, diagnostics);
  }

  // Renders at plan time when the config is known, so the plan shows the new sha256 and a
  // file edited or deleted outside OpenTofu differs from the planned value (drift).
  void modify_plan(const framework::ModifyPlanRequest& req,
                   framework::ModifyPlanResponse& resp) override {
    if (resp.plan.is_null()) return;
    Conversion c = from_model(req.config);
    if (!c.complete) {
      for (const char* name : {"sha256", "size", "rendered_user_data"})
        resp.plan.set(name, cty::Value::unknown(resp.plan.get(name).type()));
      if (req.config.is_null("instance_id"))
        resp.plan.set("instance_id", cty::Value::unknown(cty::Type::string()));
      bool pve_mode = !req.config.is_null("node") || !req.config.is_null("storage");
      resp.plan.set("id", c.output_path && !pve_mode ? cty::Value::string(*c.output_path)
                                                     : cty::Value::unknown(cty::Type::string()));
      resp.plan.set("volume_id", pve_mode ? cty::Value::unknown(cty::Type::string())
                                          : cty::Value::null(cty::Type::string()));
      return;
    }
    if (Problems p = validate_seed(c.input); !p.empty()) return report(p, resp.diagnostics);
    try {
      RenderedSeed r = render_seed(c.input);
      set_rendered(resp.plan, r);
      set_location(resp.plan, c, r);
    } catch (const std::exception& e) {
      resp.diagnostics.error("Cannot render the cloud-init seed", e.what());
    }
  }

  void create(const framework::CreateRequest& req, framework::CreateResponse& resp) override {
    write(req.config, Model(), req.context, resp.state, resp.diagnostics, &resp.created, resp.private_data);
  }

  void update(const framework::UpdateRequest& req, framework::UpdateResponse& resp) override {
    write(req.config, req.prior, req.context, resp.state, resp.diagnostics, nullptr, resp.private_data);
  }

  void read(const framework::ReadRequest& req, framework::ReadResponse& resp) override {
    if (in_proxmox(req.state)) return read_proxmox(req, resp);
    std::string path = path_of(req.state);
    std::optional<std::string> bytes = read_file(path);
    if (!bytes) return resp.mark_gone();  // deleted outside OpenTofu: plan re-creates it
    std::string actual = artifact::sha256_hex(*bytes);
    if (req.state.get_string("sha256")) {
      // Edited outside OpenTofu: report the file as it is; the plan renders the expected
      // hash and shows the difference, and apply rewrites the file.
      if (actual != *req.state.get_string("sha256")) {
        resp.state.set_string("sha256", actual);
        resp.state.set_int("size", static_cast<int64_t>(bytes->size()));
      }
      return;
    }
    // Imported: everything comes from the image.
    try {
      SeedInput in = parse_seed_iso(*bytes);
      RenderedSeed r = render_seed(in);
      set_input(resp.state, in);
      set_rendered(resp.state, r);
      resp.state.set_string("id", path);
      resp.state.set_string("output_path", path);
      resp.state.set_string("sha256", actual);
      resp.state.set_int("size", static_cast<int64_t>(bytes->size()));
    } catch (const std::exception& e) {
      resp.diagnostics.error(cty::Path().attribute("output_path"), "Cannot read the seed image",
                             path + ": " + e.what());
    }
  }

  void destroy(const framework::DeleteRequest& req, framework::DeleteResponse& resp) override {
    if (in_proxmox(req.state)) {
      auto client = proxmox::client(req.context, resp.diagnostics, kType);
      if (!client) return;
      std::string node = *req.state.get_string("node"), storage = *req.state.get_string("storage");
      std::string volid = req.state.get_string("volume_id").value_or("");
      try {
        delete_iso(*client, node, storage, volid, kUploadTimeout);
      } catch (const pve::Error& e) {
        if (e.kind() != pve::ErrorKind::not_found)
          return proxmox::add_error(resp.diagnostics, "removing " + volid + " from " + node, e);
      }
      for (const auto& old : stale_volumes(req.private_data)) {
        try {
          delete_iso(*client, node, storage, old, kUploadTimeout);
        } catch (const pve::Error& e) {
          if (e.kind() != pve::ErrorKind::not_found)
            resp.diagnostics.warning("Previous seed image kept", "removing " + old + " failed: " + e.what());
        }
      }
      if (req.state.is_null("output_path")) return;
    }
    try {
      remove_file_if_present(path_of(req.state));
    } catch (const std::exception& e) {
      resp.diagnostics.error(cty::Path().attribute("output_path"), "Cannot remove the seed image",
                             e.what());
    }
  }

  void import_state(const framework::ImportRequest& req,
                    framework::ImportResponse& resp) override {
    if (req.id.empty()) {
      resp.diagnostics.error("Missing import id",
                             "import sarga_cloudinit_seed by the path of its ISO file, as "
                             "written in output_path, or by node/volume id in Proxmox mode");
      return;
    }
    if (req.id.find(":iso/") != std::string::npos) return import_proxmox(req, resp);
    resp.state.set_string("id", req.id);
    resp.state.set_string("output_path", req.id);
  }

 private:
  static constexpr const char* kType = "sarga_cloudinit_seed";
  static constexpr std::chrono::milliseconds kUploadTimeout{600'000};

  static bool in_proxmox(const Model& state) { return !state.is_null("node") && !state.is_null("storage"); }

  static std::string path_of(const Model& state) {
    if (auto p = state.get_string("output_path")) return *p;
    return state.get_string("id").value_or("");
  }

  // The volume is looked up in the storage's iso list (one request); a volume deleted
  // outside OpenTofu makes the next plan upload it again.
  static void read_proxmox(const framework::ReadRequest& req, framework::ReadResponse& resp) {
    auto client = proxmox::client(req.context, resp.diagnostics, kType);
    if (!client) return;
    std::string node = *req.state.get_string("node"), storage = *req.state.get_string("storage");
    std::string volid = req.state.get_string("volume_id").value_or("");
    try {
      auto found = find_iso(*client, node, storage, volid);
      if (!found) return resp.mark_gone();
      auto size = req.state.get_int("size");
      if (!size || static_cast<uint64_t>(*size) != found->size)
        resp.state.set_int("size", static_cast<int64_t>(found->size));
    } catch (const pve::Error& e) {
      if (e.kind() == pve::ErrorKind::not_found) return resp.mark_gone();
      proxmox::add_error(resp.diagnostics, "reading " + volid + " on " + node, e);
    }
  }

  // "node/storage:iso/name.iso", or just the volume id (the node is then found by asking each
  // online node, for local storages).
  static void import_proxmox(const framework::ImportRequest& req, framework::ImportResponse& resp) {
    std::string node, volid = req.id;
    size_t slash = req.id.find('/');
    if (slash != std::string::npos && slash < req.id.find(':')) {
      node = req.id.substr(0, slash);
      volid = req.id.substr(slash + 1);
    }
    auto parts = split_iso_volume_id(volid);
    if (!parts) {
      resp.diagnostics.error("Invalid import id", "expected node/storage:iso/name.iso (or path of a local ISO), got '" +
                                                      req.id + "'");
      return;
    }
    auto client = proxmox::client(req.context, resp.diagnostics, kType);
    if (!client) return;
    try {
      if (node.empty()) {
        for (const auto& n : pve::list_nodes(*client)) {
          if (n.status != "online") continue;
          if (find_iso(*client, n.name, parts->first, volid)) {
            node = n.name;
            break;
          }
        }
        if (node.empty()) {
          resp.diagnostics.error("Cannot import non-existent volume", volid + " is on no online node");
          return;
        }
      }
    } catch (const pve::Error& e) {
      return proxmox::add_error(resp.diagnostics, "looking for " + volid, e);
    }
    resp.state.set_string("id", node + "/" + volid);
    resp.state.set_string("node", node);
    resp.state.set_string("storage", parts->first);
    resp.state.set_string("volume_id", volid);
  }

  // create and update: render; write the local file and/or upload the image; store the
  // computed values. In Proxmox mode an update uploads the new image first and removes the
  // previous one afterwards, so a VM never points at a missing volume longer than needed.
  static void write(const Model& config, const Model& prior, const framework::Context& ctx, Model& state,
                    framework::Diagnostics& diagnostics, bool* created, std::string& private_data) {
    Conversion c = from_model(config);
    bool pve_mode = c.node && c.storage;
    if (!c.complete || (!c.output_path && !pve_mode)) {
      diagnostics.error("Configuration is not fully known at apply time",
                        "sarga_cloudinit_seed needs every argument known to render the image");
      return;
    }
    if (Problems p = validate_seed(c.input); !p.empty()) return report(p, diagnostics);
    RenderedSeed r;
    try {
      r = render_seed(c.input);
    } catch (const std::exception& e) {
      return diagnostics.error("Cannot render the cloud-init seed", e.what());
    }
    if (pve_mode && !upload(c, r, prior, ctx, state, diagnostics, created, private_data)) return;
    if (c.output_path) {
      try {
        write_file_atomically(*c.output_path, r.iso);
        if (created) *created = true;
      } catch (const std::exception& e) {
        diagnostics.error(cty::Path().attribute("output_path"), "Cannot write the seed image", e.what());
        return;
      }
    }
    set_rendered(state, r);
    set_location(state, c, r);
  }

  static bool upload(const Conversion& c, const RenderedSeed& r, const Model& prior, const framework::Context& ctx,
                     Model& state, framework::Diagnostics& diagnostics, bool* created, std::string& private_data) {
    auto client = proxmox::client(ctx, diagnostics, kType);
    if (!client) return false;
    const std::string& node = *c.node;
    const std::string& storage = *c.storage;
    std::string file = seed_file_name(c.input.hostname, r.sha256);
    std::string volid = seed_volume_id(storage, file);
    try {
      // The name carries the hash: an existing volume of that name and size holds this image.
      auto existing = find_iso(*client, node, storage, volid);
      if (!existing || existing->size != r.iso.size()) {
        if (existing) delete_iso(*client, node, storage, volid, kUploadTimeout);
        pve::TaskResult t = upload_iso(*client, node, storage, file, r.iso, r.sha256, kUploadTimeout);
        proxmox::add_task_warnings(diagnostics, "uploading " + volid, t);
      }
    } catch (const pve::Error& e) {
      proxmox::add_error(diagnostics, "uploading the seed to " + storage + " on " + node, e,
                         {{"storage", cty::Path().attribute("storage")}, {"node", cty::Path().attribute("node")}});
      return false;
    } catch (const std::exception& e) {
      diagnostics.error("Cannot upload the seed image", e.what());
      return false;
    }
    if (created) *created = true;
    state.set_string("volume_id", volid);
    state.set_string("id", node + "/" + volid);
    // Previous images: removed now, or (while a VM still attaches one, as happens until the
    // VM swaps its cdrom later in the same apply) remembered and removed by a later apply.
    std::vector<std::string> stale = stale_volumes(private_data);
    std::string old = prior.is_null() ? "" : prior.get_string("volume_id").value_or("");
    if (!old.empty() && old != volid) stale.push_back(old);
    std::vector<std::string> kept;
    for (const auto& v : stale) {
      if (v == volid) continue;
      try {
        delete_iso(*client, node, storage, v, kUploadTimeout);
      } catch (const pve::Error& e) {
        if (e.kind() == pve::ErrorKind::not_found) continue;
        kept.push_back(v);
        diagnostics.warning("Previous seed image kept for now",
                            "the new image is " + volid + "; removing the previous one (" + v + ") failed: " +
                                e.what() + ". It is removed by the next apply of this seed (or its destroy) "
                                "once no VM attaches it.");
      }
    }
    private_data = stale_private(kept);
    return true;
  }

  static std::vector<std::string> stale_volumes(const std::string& private_data) {
    std::vector<std::string> out;
    if (private_data.empty()) return out;
    auto j = nlohmann::json::parse(private_data, nullptr, false);
    if (j.is_object() && j.contains("stale_volumes") && j["stale_volumes"].is_array())
      for (const auto& v : j["stale_volumes"])
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
  }

  static std::string stale_private(const std::vector<std::string>& volumes) {
    if (volumes.empty()) return {};
    return nlohmann::json{{"stale_volumes", volumes}}.dump();
  }
};

}  // namespace

std::unique_ptr<framework::Resource> make_resource() { return std::make_unique<CloudinitSeed>(); }

}  // namespace sarga::resources::cloudinit_seed
