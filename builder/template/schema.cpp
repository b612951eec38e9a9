#include "builder/template/schema.h"

namespace sarga::tmpl {

const AttrSchema* BlockSchema::attribute(const std::string& name) const {
  for (const auto& a : attributes)
    if (a.name == name) return &a;
  return nullptr;
}

const BlockSchema* BlockSchema::block(const std::string& name) const {
  for (const auto& b : blocks)
    if (b.type == name) return &b;
  return nullptr;
}

const BlockSchema* BlockSchema::variant(const std::string& label) const {
  for (const auto& v : variants)
    if (v.type == label) return &v;
  return nullptr;
}

std::vector<std::string> BlockSchema::names() const {
  std::vector<std::string> out;
  for (const auto& a : attributes) out.push_back(a.name);
  for (const auto& b : blocks) out.push_back(b.type);
  return out;
}

std::vector<std::string> BlockSchema::variant_names() const {
  std::vector<std::string> out;
  for (const auto& v : variants) out.push_back(v.type);
  return out;
}

std::string to_string(AttrType t) {
  switch (t) {
    case AttrType::string: return "string";
    case AttrType::number: return "number";
    case AttrType::boolean: return "bool";
    case AttrType::string_list: return "list of strings";
    case AttrType::string_map: return "map of strings";
    case AttrType::any: return "any value";
    case AttrType::type_expr: return "type";
    case AttrType::string_or_list: return "list of strings";
  }
  return "?";
}

namespace {

using T = AttrType;

BlockSchema make(std::string type, std::vector<std::string> labels = {}, std::vector<AttrSchema> attrs = {},
                 std::vector<BlockSchema> blocks = {}) {
  BlockSchema b;
  b.type = std::move(type);
  b.label_names = std::move(labels);
  b.attributes = std::move(attrs);
  b.blocks = std::move(blocks);
  return b;
}

BlockSchema variant(std::string name, std::string description, std::vector<AttrSchema> attrs,
                    const std::vector<AttrSchema>& common) {
  BlockSchema b;
  b.type = std::move(name);
  b.description = std::move(description);
  b.attributes = common;
  for (auto& a : attrs) b.attributes.push_back(std::move(a));
  return b;
}

BlockSchema build_schema() {
  BlockSchema root;
  root.type = "";

  BlockSchema validation = make("validation", {}, {{"condition", T::boolean, true, "must be true for a valid value"},
                                            {"error_message", T::string, true, "shown when the condition is false"}});
  validation.description = "a check on the variable's value";
  BlockSchema variable = make("variable", {"name"},
                       {{"type", T::type_expr, false, "string, number, bool, list(T), set(T), map(T) or any"},
                        {"default", T::any, false, "value when none is given; env(\"NAME\") allowed here"},
                        {"description", T::string, false, "what the variable is for"},
                        {"sensitive", T::boolean, false, "never print the value"}},
                       {validation});
  variable.description = "an input of the template";

  BlockSchema locals = make("locals");
  locals.free_attributes = true;
  locals.description = "named values computed from variables";

  BlockSchema source = make("source", {"type", "name"});
  source.description = "where the root filesystem comes from";
  source.variants.push_back(variant(
      "mmdebstrap", "bootstrap Debian or Ubuntu with mmdebstrap (debootstrap as fallback)",
      {{"suite", T::string, true, "bookworm, trixie, noble, ..."},
       {"variant", T::string, false, "mmdebstrap variant (default minbase)"},
       {"components", T::string_list, false, "archive components (default [\"main\"])"},
       {"include", T::string_list, false, "extra packages installed by the bootstrap"},
       {"mirror", T::string, false, "archive URL (default http://deb.debian.org/debian)"},
       {"architecture", T::string, false, "dpkg architecture (default amd64)"},
       {"source_date_epoch", T::number, false, "timestamp for reproducible output"}},
      {}));
  source.variants.push_back(variant("rootfs", "an existing root filesystem: directory or tar archive",
                                    {{"path", T::string, true, "directory or .tar[.gz|.xz|.zst] archive"},
                                     {"allow_devices", T::boolean, false, "accept device nodes in the input"}},
                                    {}));

  const std::vector<AttrSchema> step_common = {
      {"name", T::string, false, "name shown in progress output and the manifest"},
      {"only", T::string_list, false, "run only for these source names"},
      {"except", T::string_list, false, "skip for these source names"}};
  const std::vector<AttrSchema> file_attrs = {
      {"source", T::string, false, "host file or directory (relative to the template)"},
      {"content", T::string, false, "inline content instead of source"},
      {"destination", T::string, true, "absolute path inside the rootfs"},
      {"owner", T::string, false, "user name or uid (default root)"},
      {"group", T::string, false, "group name or gid (default root)"},
      {"mode", T::string, false, "octal mode such as \"0644\""},
      {"render", T::boolean, false, "substitute ${var.x} and ${local.x} in the file"}};

  BlockSchema provisioner = make("provisioner", {"type"});
  provisioner.description = "a build step, run in order";
  {
    auto files = variant("files", "copy files or directories into the rootfs", {}, step_common);
    for (auto a : file_attrs) {
      a.required = false;  // with nested file blocks the top-level entry is optional
      files.attributes.push_back(a);
    }
    BlockSchema file = make("file", {}, file_attrs);
    file.description = "one more file to copy";
    files.blocks.push_back(file);
    provisioner.variants.push_back(files);
  }
  provisioner.variants.push_back(variant(
      "shell", "run commands inside the rootfs (chroot with /proc, /sys, /dev bound)",
      {{"inline", T::string_list, false, "commands run in order by one shell"},
       {"script", T::string, false, "host script copied in and run"},
       {"scripts", T::string_list, false, "host scripts copied in and run in order"},
       {"env", T::string_map, false, "environment variables"},
       {"environment_vars", T::string_list, false, "environment variables as KEY=VALUE"},
       {"interpreter", T::string, false, "shell command line (default /bin/sh -e)"}},
      step_common));
  provisioner.variants.push_back(variant("packages", "apt install and remove inside the rootfs",
                                         {{"install", T::string_list, false, "packages to install"},
                                          {"remove", T::string_list, false, "packages to remove"},
                                          {"update", T::boolean, false, "apt-get update first (default true)"},
                                          {"upgrade", T::boolean, false, "dist-upgrade (default false)"},
                                          {"install_recommends", T::boolean, false, "default false"},
                                          {"purge", T::boolean, false, "remove with purge (default true)"},
                                          {"autoremove", T::boolean, false, "default true"},
                                          {"clean", T::boolean, false, "apt-get clean afterwards (default true)"}},
                                         step_common));
  provisioner.variants.push_back(variant("hardening", "apply and verify a hardening profile",
                                         {{"profile", T::string, false, "lxc-baseline (default) or vm-baseline"},
                                          {"skip", T::string_list, false, "rule names to leave out"},
                                          {"verify", T::boolean, false, "verify every rule after applying (default true)"}},
                                         step_common));
  provisioner.variants.push_back(variant("cloud_init", "cloud-init set up for Proxmox NoCloud",
                                         {{"datasources", T::string_list, false, "default [\"NoCloud\", \"ConfigDrive\"]"},
                                          {"install", T::boolean, false, "install cloud-init when missing (default true)"},
                                          {"extra_config", T::string, false, "YAML added as cloud.cfg.d/99-sarga.cfg"}},
                                         step_common));
  provisioner.variants.push_back(variant("cleanup", "template hygiene",
                                         {{"machine_id", T::boolean, false, "empty /etc/machine-id (default true)"},
                                          {"ssh_host_keys", T::boolean, false, "remove host keys (default true)"},
                                          {"logs", T::boolean, false, "truncate logs (default true)"},
                                          {"apt_lists", T::boolean, false, "remove apt lists and caches (default true)"},
                                          {"tmp", T::boolean, false, "empty /tmp and /var/tmp (default true)"},
                                          {"history", T::boolean, false, "remove shell histories (default true)"},
                                          {"remove", T::string_list, false, "more rootfs paths to delete"}},
                                         step_common));

  const std::vector<AttrSchema> output_common = {{"only", T::string_list, false, "run only for these source names"},
                                                 {"except", T::string_list, false, "skip for these source names"}};
  BlockSchema post = make("post-processor", {"type"});
  post.description = "an output of the build, run in order";
  post.variants.push_back(variant("lxc-template", "Proxmox LXC template archive",
                                  {{"format", T::string, false, "zst (default), xz or gz"},
                                   {"name", T::string, false, "file name without extension"},
                                   {"version", T::string, false, "template version in the file name"},
                                   {"level", T::number, false, "compression level"}},
                                  output_common));
  post.variants.push_back(variant("manifest", "packer-style manifest.json",
                                  {{"output", T::string, false, "file name (default manifest.json)"},
                                   {"strip_path", T::boolean, false, "file names without folders"},
                                   {"custom_data", T::string_map, false, "copied into the manifest"}},
                                  output_common));
  post.variants.push_back(variant("sbom", "SPDX 2.3 JSON from the dpkg status",
                                  {{"output", T::string, false, "file name (default sbom.spdx.json)"}}, output_common));
  post.variants.push_back(variant("proxmox", "upload the template to a Proxmox VE storage",
                                  {{"endpoint", T::string, true, "https://host:8006"},
                                   {"token", T::string, true, "API token user@realm!id=secret (use a sensitive variable)"},
                                   {"node", T::string, true, "node name"},
                                   {"storage", T::string, false, "storage with vztmpl content (default local)"},
                                   {"keep", T::number, false, "keep the N newest templates (0 = all)"},
                                   {"fingerprint", T::string, false, "SHA-256 certificate pin"},
                                   {"ca_file", T::string, false, "CA bundle path"},
                                   {"insecure", T::boolean, false, "skip TLS verification"}},
                                  output_common));

  {
    BlockSchema partition = make("partition", {},
                                 {{"mountpoint", T::string, true, "absolute path such as /var or /tmp (unique)"},
                                  {"size", T::string, true, "partition size with a unit: \"1G\", \"512M\" (M/MiB, G/GiB)"},
                                  {"options", T::string_list, false,
                                   "fstab mount options (default: nodev,nosuid,noexec for /tmp, /var/tmp, /dev/shm; "
                                   "nodev,nosuid for /var, /home, /var/log; else defaults)"}});
    partition.description = "a partition besides the ESP and the root filesystem, in disk order";
    auto disk = variant("disk-image", "bootable GPT disk image (ESP with systemd-boot, ext4 root)",
                        {{"format", T::string, false, "qcow2 (default) or raw"},
                         {"name", T::string, false, "file name without extension (default: the build name)"},
                         {"size", T::string, false, "whole disk with a unit (default \"4G\")"},
                         {"esp_size", T::string, false, "EFI system partition size (default \"256M\")"},
                         {"serial_console", T::string, false,
                          "kernel console= for the serial port (default ttyS0,115200; \"\" = none)"},
                         {"kernel_options", T::string_list, false, "appended to the kernel command line"}},
                        output_common);
    disk.blocks.push_back(partition);
    post.variants.push_back(disk);
  }
  post.variants.push_back(variant("qemu-verify", "boot the disk image once in QEMU and wait for cloud-init",
                                  {{"timeout", T::string, false, "duration such as \"10m\", \"90s\", \"1h30m\" (default 10m)"},
                                   {"memory", T::number, false, "guest memory in MiB (default 1024)"},
                                   {"cpus", T::number, false, "virtual CPUs (default 2)"},
                                   {"accelerator", T::string, false, "auto (default: KVM when usable), kvm or tcg"},
                                   {"firmware", T::string, false, "OVMF code image on the host (default: Debian's OVMF)"},
                                   {"network", T::boolean, false, "user-mode virtio NIC (default true)"},
                                   {"agent", T::boolean, false, "require a qemu-guest-agent answer (default true)"},
                                   {"inline", T::string_list, false, "commands run in the guest after cloud-init; any failure fails"}},
                                  output_common));
  post.variants.push_back(variant("proxmox-vm-template", "publish the disk image as a Proxmox VE VM template",
                                  {{"endpoint", T::string, true, "https://host:8006"},
                                   {"token", T::string, true, "API token user@realm!id=secret (use a sensitive variable)"},
                                   {"node", T::string, true, "node name"},
                                   {"storage", T::string, false, "storage for the VM disks (default local-lvm)"},
                                   {"import_storage", T::string, false, "storage with content import for the upload (default local)"},
                                   {"import_from", T::string, false, "existing volume id (storage:import/file) instead of uploading"},
                                   {"vmid", T::number, false, "VM id (default: the next free one)"},
                                   {"name", T::string, false, "VM name (default: the build name)"},
                                   {"tags", T::string_list, false, "tags besides sarga-build"},
                                   {"memory", T::number, false, "MiB (default 1024)"},
                                   {"cores", T::number, false, "CPU cores (default 1)"},
                                   {"bridge", T::string, false, "network bridge (default vmbr0)"},
                                   {"keep", T::number, false, "keep the N newest templates of this name (0 = all)"},
                                   {"fingerprint", T::string, false, "SHA-256 certificate pin"},
                                   {"ca_file", T::string, false, "CA bundle path"},
                                   {"insecure", T::boolean, false, "skip TLS verification"}},
                                  output_common));

  BlockSchema build = make("build", {},
                    {{"name", T::string, false, "build name (output-<name>/)"},
                     {"description", T::string, false, "free text"},
                     {"sources", T::string_list, true, "source references: source.<type>.<name>"}},
                    {provisioner, post});
  build.description = "what to build from which sources";

  root.blocks = {variable, locals, source, build};
  for (auto& b : root.blocks)
    if (b.type == "locals") b.single = false;
  return root;
}

}  // namespace

const BlockSchema& template_schema() {
  static const BlockSchema schema = build_schema();
  return schema;
}

const BlockSchema& var_file_schema() {
  static const BlockSchema schema = [] {
    BlockSchema b;
    b.free_attributes = true;
    return b;
  }();
  return schema;
}

// ------------------------------------------------------------ JSON Schema

namespace {

using json = nlohmann::json;

json string_or_template() { return json{{"type", "string"}}; }

json attr_schema(const AttrSchema& a) {
  json s;
  switch (a.type) {
    case T::string: s = string_or_template(); break;
    // Numbers and bools may also be "${var.x}" strings in the JSON syntax.
    case T::number: s = json{{"type", json::array({"number", "string"})}}; break;
    case T::boolean: s = json{{"type", json::array({"boolean", "string"})}}; break;
    case T::string_list:
    case T::string_or_list:
      s = json{{"type", json::array({"array", "string"})}, {"items", {{"type", "string"}}}};
      break;
    case T::string_map:
      s = json{{"type", json::array({"object", "string"})}, {"additionalProperties", {{"type", "string"}}}};
      break;
    case T::any: s = json::object(); break;
    case T::type_expr: s = json{{"type", "string"}}; break;
  }
  if (!a.description.empty()) s["description"] = a.description;
  return s;
}

// Bodies live in $defs (one per block type or variant) and are referenced, so the schema
// stays small and readable.
json body_ref(const BlockSchema& b, const std::string& def_name, json& defs);

json one_or_many(const json& item) {
  return json{{"oneOf", json::array({item, json{{"type", "array"}, {"items", item}}})}};
}

// A block type as it appears in its parent: nested objects keyed by each label, then the
// body; at any level an array of such objects keeps block order.
json block_in_parent(const BlockSchema& b, json& defs) {
  json inner;
  if (!b.variants.empty()) {
    json props = json::object();
    for (const auto& v : b.variants) {
      json body = one_or_many(body_ref(v, b.type + "." + v.type, defs));
      // Remaining labels (e.g. the source name) are free keys.
      for (size_t i = 1; i < b.label_names.size(); ++i) body = json{{"type", "object"}, {"additionalProperties", body}};
      props[v.type] = body;
    }
    inner = json{{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  } else {
    inner = body_ref(b, b.type, defs);
    for (size_t i = 0; i < b.label_names.size(); ++i) inner = json{{"type", "object"}, {"additionalProperties", inner}};
  }
  json out = one_or_many(inner);
  if (!b.description.empty()) out["description"] = b.description;
  return out;
}

json body_schema(const BlockSchema& b, json& defs) {
  json props = json::object();
  json required = json::array();
  for (const auto& a : b.attributes) {
    props[a.name] = attr_schema(a);
    if (a.required) required.push_back(a.name);
  }
  for (const auto& nested : b.blocks) props[nested.type] = block_in_parent(nested, defs);
  props["//"] = json{{"description", "comment, ignored"}};
  json s = {{"type", "object"}, {"properties", props}};
  s["additionalProperties"] = b.free_attributes ? json::object() : json(false);
  if (!required.empty()) s["required"] = required;
  if (!b.description.empty()) s["description"] = b.description;
  return s;
}

json body_ref(const BlockSchema& b, const std::string& def_name, json& defs) {
  if (!defs.contains(def_name)) {
    defs[def_name] = json::object();  // reserve the name first
    defs[def_name] = body_schema(b, defs);
  }
  return json{{"$ref", "#/$defs/" + def_name}};
}

}  // namespace

json template_json_schema() {
  json defs = json::object();
  json s = body_schema(template_schema(), defs);
  json out = {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "https://sarga.dev/schemas/builder-template.schema.json"},
      {"title", "sarga-build template (JSON syntax, *.pkr.json)"},
      {"description",
       "Generated by `sarga-build schema` from builder/template/schema.cpp; do not edit by hand."},
  };
  for (auto& [k, v] : s.items()) out[k] = v;
  out["$defs"] = defs;
  return out;
}

}  // namespace sarga::tmpl
