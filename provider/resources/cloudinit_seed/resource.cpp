#include "provider/resources/cloudinit_seed/resource.h"

#include <fstream>
#include <sstream>

#include "lib/artifact/hash.h"
#include "provider/resources/cloudinit_seed/seed.h"
#include "provider/resources/cloudinit_seed/seed_file.h"

namespace sarga::resources::cloudinit_seed {
namespace {

using framework::Attribute;
using framework::Model;

// The config as a SeedInput; `complete` is false when any value is still unknown (plan time),
// and `part_known[i]` tells which part blocks are wholly known.
struct Conversion {
  SeedInput input;
  std::optional<std::string> output_path;
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

void report(const Problems& problems, framework::Diagnostics& d) {
  for (const Problem& p : problems) d.error(p.path, p.summary, p.detail);
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

// Computed attributes from a rendered seed.
void set_rendered(Model& m, const RenderedSeed& r, const std::string& output_path) {
  m.set_string("id", output_path);
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
        "written to `output_path`. Identical inputs give a byte-identical image. Changing the "
        "content rewrites the file in place; a deleted or edited file is re-created by the next "
        "apply. Import with the path: `tofu import sarga_cloudinit_seed.x ./seed.iso`.";
    s.block.attributes = {
        Attribute::string("id").computed().use_state_for_unknown().describe(
            "The seed's `output_path`."),
        Attribute::string("output_path").required().requires_replace().describe(
            "Where the ISO is written (missing directories are created). Changing it "
            "replaces the resource."),
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
      problems.push_back({cty::Path().attribute("part"), "Conflicting user data",
                          "set either user_data or part blocks, not both; a raw document can be "
                          "one part with content_type = \"text/cloud-config\""});
    for (std::size_t i = 0; i < c.input.parts.size(); ++i)
      if (c.part_known[i])
        validate_part(c.input.parts[i],
                      cty::Path().attribute("part").index(static_cast<int64_t>(i)), problems);
    if (c.output_path && c.output_path->empty())
      problems.push_back({cty::Path().attribute("output_path"), "Empty output_path",
                          "set the path of the ISO file to write, e.g. \"${path.module}/seed.iso\""});
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
      resp.plan.set("id", c.output_path ? cty::Value::string(*c.output_path)
                                        : cty::Value::unknown(cty::Type::string()));
      return;
    }
    if (Problems p = validate_seed(c.input); !p.empty()) return report(p, resp.diagnostics);
    try {
      set_rendered(resp.plan, render_seed(c.input), c.output_path.value_or(""));
    } catch (const std::exception& e) {
      resp.diagnostics.error("Cannot render the cloud-init seed", e.what());
    }
  }

  void create(const framework::CreateRequest& req, framework::CreateResponse& resp) override {
    write(req.config, resp.state, resp.diagnostics, &resp.created);
  }

  void update(const framework::UpdateRequest& req, framework::UpdateResponse& resp) override {
    write(req.config, resp.state, resp.diagnostics, nullptr);
  }

  void read(const framework::ReadRequest& req, framework::ReadResponse& resp) override {
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
      set_rendered(resp.state, r, path);
      resp.state.set_string("output_path", path);
      resp.state.set_string("sha256", actual);
      resp.state.set_int("size", static_cast<int64_t>(bytes->size()));
    } catch (const std::exception& e) {
      resp.diagnostics.error(cty::Path().attribute("output_path"), "Cannot read the seed image",
                             path + ": " + e.what());
    }
  }

  void destroy(const framework::DeleteRequest& req, framework::DeleteResponse& resp) override {
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
                             "written in output_path");
      return;
    }
    resp.state.set_string("id", req.id);
    resp.state.set_string("output_path", req.id);
  }

 private:
  static std::string path_of(const Model& state) {
    if (auto p = state.get_string("output_path")) return *p;
    return state.get_string("id").value_or("");
  }

  // create and update: render, replace the file atomically, store the computed values.
  static void write(const Model& config, Model& state, framework::Diagnostics& diagnostics,
                    bool* created) {
    Conversion c = from_model(config);
    if (!c.complete || !c.output_path) {
      diagnostics.error("Configuration is not fully known at apply time",
                        "sarga_cloudinit_seed needs every argument known to render the image");
      return;
    }
    if (Problems p = validate_seed(c.input); !p.empty()) return report(p, diagnostics);
    try {
      RenderedSeed r = render_seed(c.input);
      write_file_atomically(*c.output_path, r.iso);
      if (created) *created = true;
      set_rendered(state, r, *c.output_path);
    } catch (const std::exception& e) {
      diagnostics.error(cty::Path().attribute("output_path"), "Cannot write the seed image",
                        e.what());
    }
  }
};

}  // namespace

std::unique_ptr<framework::Resource> make_resource() { return std::make_unique<CloudinitSeed>(); }

}  // namespace sarga::resources::cloudinit_seed
