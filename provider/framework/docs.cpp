// Registry-style markdown from the live schema. Output is deterministic (sorted names,
// no dates) so `--check` can compare it byte for byte with the committed docs.
#include "provider/framework/docs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace sarga::framework::docs {

namespace fs = std::filesystem;

namespace {

// Shown on the index page unless examples/provider/main.tf exists.
const char* const kProviderExample = R"(terraform {
  required_providers {
    sarga = { source = "sarga/sarga" }
  }
}

# Every setting may instead come from the environment (see below); tokens belong there or
# in a secret store rather than in HCL.
provider "sarga" {
  proxmox {
    endpoint = "https://pve.example.net:8006"
    # api_token from PROXMOX_VE_API_TOKEN
  }
  openbao {
    address = "https://bao.example.net:8200"
    # token from BAO_TOKEN
  }
  plug {
    driver  = "shelly"
    address = "http://192.0.2.50"
  }
}
)";

const char* const kGeneratedDirs[] = {"resources", "data-sources", "ephemeral-resources", "functions"};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string short_name(const std::string& type) {
  return type.rfind("sarga_", 0) == 0 ? type.substr(6) : type;
}

std::string first_line(const std::string& text) {
  auto end = text.find('\n');
  return text.substr(0, end);
}

// True when the author already said that a change replaces the resource.
bool mentions_replace(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.find("replace") != std::string::npos || lower.find("forces a new") != std::string::npos;
}

std::string type_label(const cty::Type& t) {
  switch (t.kind()) {
    case cty::Kind::String: return "String";
    case cty::Kind::Number: return "Number";
    case cty::Kind::Bool: return "Boolean";
    case cty::Kind::Dynamic: return "Dynamic";
    case cty::Kind::List: return "List of " + type_label(t.element_type());
    case cty::Kind::Set: return "Set of " + type_label(t.element_type());
    case cty::Kind::Map: return "Map of " + type_label(t.element_type());
    case cty::Kind::Object: return "Object";
    case cty::Kind::Tuple: return "Tuple";
  }
  return "Dynamic";
}

std::string nesting_label(Nesting n) {
  switch (n) {
    case Nesting::Single: return "Single";
    case Nesting::List: return "List";
    case Nesting::Set: return "Set";
    case Nesting::Map: return "Map";
    case Nesting::Group: return "Group";
  }
  return "";
}

std::string value_text(const cty::Value& v) {
  if (v.is_null()) return "null";
  switch (v.type().kind()) {
    case cty::Kind::String: return "\"" + v.as_string() + "\"";
    case cty::Kind::Number: return v.as_number().to_string();
    case cty::Kind::Bool: return v.as_bool() ? "true" : "false";
    default: return v.debug_string();
  }
}

// Finds the example for a type: examples/<dir>/main.tf where <dir> is the type name (with or
// without the sarga_ prefix, _ or -), else the first example that mentions `needle`.
std::string find_example(const std::string& examples_dir, const std::vector<std::string>& dirs,
                         const std::string& needle) {
  if (examples_dir.empty() || !fs::is_directory(examples_dir)) return {};
  for (const auto& d : dirs) {
    fs::path p = fs::path(examples_dir) / d / "main.tf";
    if (fs::is_regular_file(p)) return read_file(p);
  }
  std::vector<fs::path> candidates;
  for (const auto& entry : fs::recursive_directory_iterator(examples_dir)) {
    if (entry.is_regular_file() && entry.path().filename() == "main.tf") candidates.push_back(entry.path());
  }
  std::sort(candidates.begin(), candidates.end());
  for (const auto& p : candidates) {
    std::string text = read_file(p);
    if (text.find(needle) != std::string::npos) return text;
  }
  return {};
}

std::vector<std::string> example_dirs(const std::string& kind, const std::string& type) {
  std::string s = short_name(type);
  std::string dashed = s;
  std::replace(dashed.begin(), dashed.end(), '_', '-');
  return {kind + "/" + type, type, s, dashed};
}

struct Section {
  std::string anchor;
  std::string title;
  const Block* block;
  const std::vector<Attribute>* nested_attrs;
};

class SchemaWriter {
 public:
  std::string render(const Block& block) {
    queue_.push_back({"", "", &block, nullptr});
    std::string out = "## Schema\n";
    for (size_t i = 0; i < queue_.size(); ++i) {
      Section s = queue_[i];
      if (!s.anchor.empty()) {
        out += "\n<a id=\"" + s.anchor + "\"></a>\n### Nested Schema for `" + s.title + "`\n";
      }
      const std::vector<Attribute>& attrs = s.block ? s.block->attributes : *s.nested_attrs;
      const std::vector<NestedBlock>* blocks = s.block ? &s.block->blocks : nullptr;
      out += group(attrs, blocks, s, "Required", [](const Attribute& a) { return a.is_required; },
                   [](const NestedBlock& b) { return b.min_items > 0; });
      out += group(attrs, blocks, s, "Optional", [](const Attribute& a) { return !a.is_required && (a.configurable() || a.default_val); },
                   [](const NestedBlock& b) { return b.min_items == 0; });
      out += group(attrs, blocks, s, "Read-Only", [](const Attribute& a) { return !a.configurable() && !a.default_val; },
                   [](const NestedBlock&) { return false; });
    }
    return out;
  }

 private:
  std::vector<Section> queue_;

  std::string anchor_for(const Section& parent, const std::string& kind, const std::string& name) {
    return kind + "--" + (parent.title.empty() ? "" : parent.title + "--") + name;
  }

  std::string group(const std::vector<Attribute>& attrs, const std::vector<NestedBlock>* blocks, const Section& s,
                    const std::string& heading, const std::function<bool(const Attribute&)>& pick_attr,
                    const std::function<bool(const NestedBlock&)>& pick_block) {
    std::vector<std::pair<std::string, std::string>> lines;  // name -> line
    for (const auto& a : attrs) {
      if (pick_attr(a)) lines.emplace_back(a.name, attribute_line(a, s));
    }
    if (blocks) {
      for (const auto& b : *blocks) {
        if (pick_block(b)) lines.emplace_back(b.type_name, block_line(b, s));
      }
    }
    if (lines.empty()) return {};
    std::sort(lines.begin(), lines.end());
    std::string out = "\n### " + heading + "\n\n";
    for (const auto& [name, line] : lines) out += line + "\n";
    return out;
  }

  std::string attribute_line(const Attribute& a, const Section& parent) {
    std::string kind;
    std::string link;
    if (a.nested_type) {
      kind = "Attributes " + nesting_label(a.nested_type->nesting);
      std::string title = (parent.title.empty() ? "" : parent.title + ".") + a.name;
      std::string anchor = anchor_for(parent, "nestedatt", a.name);
      queue_.push_back({anchor, title, nullptr, &a.nested_type->attributes});
      link = " (see [below for nested schema](#" + anchor + "))";
    } else {
      kind = type_label(a.type);
    }
    if (a.is_sensitive) kind += ", Sensitive";
    if (a.is_write_only) kind += ", Write-only";
    if (!a.deprecation.empty()) kind += ", Deprecated";
    std::string line = "- `" + a.name + "` (" + kind + ")";
    if (!a.deprecation.empty()) line += " **Deprecated:** " + a.deprecation;
    if (!a.description.empty()) line += " " + a.description;
    if (a.default_val) line += " Defaults to `" + value_text(*a.default_val) + "`.";
    if (a.replace_on_change && !mentions_replace(a.description)) line += " Changing this forces a new resource.";
    if (a.is_write_only) line += " Never stored in the state.";
    return line + link;
  }

  std::string block_line(const NestedBlock& b, const Section& parent) {
    std::string kind = "Block " + nesting_label(b.nesting);
    if (b.min_items > 0) kind += ", Min: " + std::to_string(b.min_items);
    if (b.max_items > 0) kind += ", Max: " + std::to_string(b.max_items);
    std::string title = (parent.title.empty() ? "" : parent.title + ".") + b.type_name;
    std::string anchor = anchor_for(parent, "nestedblock", b.type_name);
    queue_.push_back({anchor, title, &b.block, nullptr});
    std::string line = "- `" + b.type_name + "` (" + kind + ")";
    if (!b.block.description.empty()) line += " " + b.block.description;
    if (b.replace_on_change) line += " Changing this forces a new resource.";
    return line + " (see [below for nested schema](#" + anchor + "))";
  }
};

std::string front_matter(const std::string& title, const std::string& description) {
  std::string out = "---\npage_title: \"" + title + " - sarga\"\nsubcategory: \"\"\ndescription: |-\n";
  std::string d = first_line(description);
  out += "  " + (d.empty() ? title : d) + "\n---\n\n";
  return out;
}

std::string example_block(const std::string& example) {
  if (example.empty()) return {};
  std::string body = example;
  if (body.back() != '\n') body += '\n';
  return "## Example Usage\n\n```terraform\n" + body + "```\n\n";
}

std::string schema_page(const std::string& type, const std::string& kind_title, const Schema& schema,
                        const std::string& example, const std::string& extra = {}) {
  std::string description = schema.description.empty() ? schema.block.description : schema.description;
  std::string out = front_matter(type + " " + kind_title, description);
  out += "# " + type + " (" + kind_title + ")\n\n";
  if (!description.empty()) out += description + "\n\n";
  out += example_block(example);
  out += SchemaWriter().render(schema.block);
  out += extra;
  return out;
}

std::string function_page(const std::string& name, const FunctionSignature& sig, const std::string& example) {
  std::string out = front_matter(name + " function", sig.summary);
  out += "# function: " + name + "\n\n";
  if (!sig.summary.empty()) out += sig.summary + "\n\n";
  if (!sig.description.empty()) out += sig.description + "\n\n";
  if (!sig.deprecation.empty()) out += "**Deprecated:** " + sig.deprecation + "\n\n";
  out += example_block(example);
  out += "## Signature\n\n```text\n" + name + "(";
  bool first = true;
  for (const auto& p : sig.parameters) {
    out += (first ? "" : ", ") + p.name + " " + p.type.friendly_name();
    first = false;
  }
  if (sig.variadic) out += (first ? "" : ", ") + std::string("...") + sig.variadic->name + " " + sig.variadic->type.friendly_name();
  out += ") " + sig.return_type.friendly_name() + "\n```\n\n## Arguments\n\n";
  int i = 1;
  auto param = [&](const FunctionParameter& p, bool variadic) {
    out += std::to_string(i++) + ". `" + p.name + "` (" + type_label(p.type) + (variadic ? ", Variadic" : "") +
           (p.allow_null ? ", Nullable" : "") + ")" + (p.description.empty() ? "" : " " + p.description) + "\n";
  };
  for (const auto& p : sig.parameters) param(p, false);
  if (sig.variadic) param(*sig.variadic, true);
  if (sig.parameters.empty() && !sig.variadic) out += "None.\n";
  out += "\n## Return Type\n\n" + type_label(sig.return_type) + "\n";
  return out;
}

std::string index_page(const Provider& provider, const std::string& example) {
  std::string out = front_matter("sarga Provider", "Manage Proxmox VE guests, cloud-init seeds, certificate authorities and bastion power.");
  out += "# sarga Provider\n\n";
  out += "Manage Proxmox VE virtual machines and containers, cloud-init NoCloud seeds, per-organisation "
         "intermediate certificate authorities and the power of a normally-off bastion host.\n\n";
  out += provider.schema().description + "\n\n";
  out += example_block(example);
  out += SchemaWriter().render(provider.schema().block);
  out += "\n## Environment variables\n\n"
         "| setting | variables (first set wins; HCL wins over all) |\n|---|---|\n"
         "| `proxmox.endpoint` | `SARGA_PROXMOX_ENDPOINT`, `PROXMOX_VE_ENDPOINT` |\n"
         "| `proxmox.api_token` | `SARGA_PROXMOX_API_TOKEN`, `PROXMOX_VE_API_TOKEN` |\n"
         "| `proxmox.insecure` | `SARGA_PROXMOX_INSECURE`, `PROXMOX_VE_INSECURE` |\n"
         "| `proxmox.ca_file` | `SARGA_PROXMOX_CA_FILE` |\n"
         "| `proxmox.fingerprint` | `SARGA_PROXMOX_FINGERPRINT` |\n"
         "| `proxmox.username` | `SARGA_PROXMOX_USERNAME`, `PROXMOX_VE_USERNAME` |\n"
         "| `proxmox.password` | `SARGA_PROXMOX_PASSWORD`, `PROXMOX_VE_PASSWORD` |\n"
         "| `proxmox.max_concurrent_requests` | `SARGA_PROXMOX_MAX_CONCURRENT` |\n"
         "| `openbao.address` | `SARGA_BAO_ADDR`, `BAO_ADDR`, `VAULT_ADDR` |\n"
         "| `openbao.token` | `SARGA_BAO_TOKEN`, `BAO_TOKEN`, `VAULT_TOKEN` |\n"
         "| `openbao.ca_file` | `SARGA_BAO_CACERT`, `BAO_CACERT`, `VAULT_CACERT` |\n"
         "| `plug.driver` | `SARGA_PLUG_DRIVER` |\n"
         "| `plug.address` | `SARGA_PLUG_ADDRESS` |\n"
         "| `plug.token` | `SARGA_PLUG_TOKEN` |\n"
         "| `plug.username` | `SARGA_PLUG_USERNAME` |\n"
         "| `plug.password` | `SARGA_PLUG_PASSWORD` |\n"
         "| `plug.insecure` | `SARGA_PLUG_INSECURE` |\n"
         "| `plug.ca_file` | `SARGA_PLUG_CA_FILE` |\n\n"
         "Settings are checked only when a resource that needs them is used, so configurations with "
         "only local resources (such as `sarga_cloudinit_seed`) need none.\n";
  auto list = [&](const char* title, const char* dir, const auto& items) {
    if (items.empty()) return;
    out += "\n## " + std::string(title) + "\n\n";
    for (const auto& [name, r] : items) {
      out += "- [" + name + "](" + dir + "/" + short_name(name) + ".md)\n";
    }
  };
  list("Resources", "resources", provider.resources());
  list("Data Sources", "data-sources", provider.data_sources());
  list("Ephemeral Resources", "ephemeral-resources", provider.ephemeral_resources());
  list("Functions", "functions", provider.functions());
  return out;
}

}  // namespace

std::map<std::string, std::string> render(const Provider& provider, const std::string& examples_dir) {
  std::map<std::string, std::string> files;
  std::string provider_example = find_example(examples_dir, {"provider"}, "\x01");  // only examples/provider
  if (provider_example.empty()) provider_example = kProviderExample;
  files["index.md"] = index_page(provider, provider_example);
  for (const auto& [name, r] : provider.resources()) {
    std::string ex = find_example(examples_dir, example_dirs("resources", name), "resource \"" + name + "\"");
    std::string extra;
    files["resources/" + short_name(name) + ".md"] = schema_page(name, "Resource", r.schema, ex, extra);
  }
  for (const auto& [name, r] : provider.data_sources()) {
    std::string ex = find_example(examples_dir, example_dirs("data-sources", name), "data \"" + name + "\"");
    files["data-sources/" + short_name(name) + ".md"] = schema_page(name, "Data Source", r.schema, ex);
  }
  for (const auto& [name, r] : provider.ephemeral_resources()) {
    std::string ex = find_example(examples_dir, example_dirs("ephemeral-resources", name), "ephemeral \"" + name + "\"");
    files["ephemeral-resources/" + short_name(name) + ".md"] = schema_page(name, "Ephemeral Resource", r.schema, ex);
  }
  for (const auto& [name, f] : provider.functions()) {
    std::string ex = find_example(examples_dir, example_dirs("functions", name), "provider::sarga::" + name + "(");
    files["functions/" + name + ".md"] = function_page(name, f.signature, ex);
  }
  return files;
}

size_t write(const std::map<std::string, std::string>& files, const std::string& docs_dir) {
  // Remove generated pages whose type no longer exists.
  for (const char* dir : kGeneratedDirs) {
    fs::path d = fs::path(docs_dir) / dir;
    if (!fs::is_directory(d)) continue;
    for (const auto& entry : fs::directory_iterator(d)) {
      std::string rel = std::string(dir) + "/" + entry.path().filename().string();
      if (entry.path().extension() == ".md" && !files.count(rel)) fs::remove(entry.path());
    }
  }
  size_t n = 0;
  for (const auto& [rel, content] : files) {
    fs::path p = fs::path(docs_dir) / rel;
    fs::create_directories(p.parent_path());
    if (read_file(p) == content && fs::exists(p)) continue;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + p.string());
    ++n;
  }
  return n;
}

std::vector<std::string> check(const std::map<std::string, std::string>& files, const std::string& docs_dir) {
  std::vector<std::string> problems;
  for (const auto& [rel, content] : files) {
    fs::path p = fs::path(docs_dir) / rel;
    if (!fs::exists(p)) {
      problems.push_back(p.string() + ": missing");
    } else if (read_file(p) != content) {
      problems.push_back(p.string() + ": differs from the schema");
    }
  }
  for (const char* dir : kGeneratedDirs) {
    fs::path d = fs::path(docs_dir) / dir;
    if (!fs::is_directory(d)) continue;
    for (const auto& entry : fs::directory_iterator(d)) {
      std::string rel = std::string(dir) + "/" + entry.path().filename().string();
      if (entry.path().extension() == ".md" && !files.count(rel)) {
        problems.push_back(entry.path().string() + ": no such type in the schema any more");
      }
    }
  }
  std::sort(problems.begin(), problems.end());
  return problems;
}

}  // namespace sarga::framework::docs
