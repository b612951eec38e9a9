// The typed build spec that a template (HCL2 subset or JSON) is loaded into.
//
// This header is the contract between builder/template (which fills it) and
// builder/pipeline (which runs it). Everything here is plain data: values are
// resolved (variables, locals and functions already evaluated), defaults
// applied, relative host paths made absolute against the template's folder.
//
// Template shape (see docs/builder/template-language.md):
//
//   variable "pve_token" { type = string  sensitive = true }
//   locals { version = "1.0" }
//   source "mmdebstrap" "deb12" { suite = "bookworm"  include = ["openssh-server"] }
//   source "rootfs" "fixture"   { path = "rootfs.tar.gz" }
//   build {
//     name    = "debian12-hardened"
//     sources = ["source.mmdebstrap.deb12"]
//     provisioner "packages"   { install = ["curl"] }
//     provisioner "files"      { source = "issue.net"  destination = "/etc/issue.net" }
//     provisioner "shell"      { inline = ["echo hi"] }
//     provisioner "hardening"  { profile = "lxc-baseline"  skip = ["sshd-banner"] }
//     provisioner "cloud_init" { }
//     provisioner "cleanup"    { }
//     post-processor "lxc-template" { format = "zst" }
//     post-processor "manifest"     { }
//     post-processor "sbom"         { }
//     post-processor "proxmox"      { endpoint = "https://pve:8006"  token = var.pve_token
//                                     node = "pve1"  storage = "local"  keep = 3 }
//   }
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace sarga::tmpl {

// Where something was written, for messages: "file:line:col".
struct SourceLocation {
  std::string file;
  int line = 0;  // 1-based; 0 = unknown
  int column = 0;  // 1-based, in bytes
  std::string str() const;  // "file:line:col"
};

// ---------------------------------------------------------------- sources

struct MmdebstrapSettings {
  std::string suite;                              // required: "bookworm", "noble", ...
  std::string variant = "minbase";                // mmdebstrap --variant
  std::vector<std::string> components = {"main"};
  std::vector<std::string> include;               // extra packages (--include)
  std::string mirror = "http://deb.debian.org/debian";
  std::string architecture = "amd64";
  std::optional<std::int64_t> source_date_epoch;  // unset: pipeline picks (e.g. env or now)
};

struct RootfsSettings {
  std::string path;            // absolute: a directory or a tar archive (.tar, .tar.gz/.xz/.zst)
  bool allow_devices = false;  // device nodes in the input are refused unless true
};

enum class SourceKind { mmdebstrap, rootfs };

struct SourceSpec {
  SourceKind kind = SourceKind::mmdebstrap;
  std::string type;  // "mmdebstrap" | "rootfs" (the first label)
  std::string name;  // the second label
  SourceLocation location;
  MmdebstrapSettings mmdebstrap;  // meaningful when kind == mmdebstrap
  RootfsSettings rootfs;          // meaningful when kind == rootfs
};

// ------------------------------------------------------------------ steps

struct FileEntry {
  std::string source;                  // absolute host path (file or directory); empty when content is set
  std::optional<std::string> content;  // inline content instead of source
  std::string destination;             // absolute path inside the rootfs
  std::string owner = "root";          // name (resolved in the rootfs' /etc/passwd) or number
  std::string group = "root";          // name or number
  std::uint32_t mode = 0644;           // for files (a directory source: every file in it; its folders get 0755)
  bool render = false;                 // true: ${var.x}/${local.x} in the file's text are substituted at load
  SourceLocation location;
};

struct FilesSettings {
  std::vector<FileEntry> entries;  // in order
};

struct ShellSettings {
  std::vector<std::string> inline_commands;    // "inline": run in order by one shell
  std::vector<std::string> scripts;            // absolute host paths, copied in and run in order
  std::map<std::string, std::string> environment;  // "environment_vars"
  std::string interpreter = "/bin/sh -e";
};

struct PackagesSettings {
  std::vector<std::string> install;
  std::vector<std::string> remove;
  bool update = true;                 // apt-get update first
  bool upgrade = false;               // apt-get dist-upgrade
  bool install_recommends = false;
  bool purge = true;                  // remove = purge (config files too)
  bool autoremove = true;
  bool clean = true;                  // apt-get clean, lists kept for the cleanup step
};

struct HardeningSettings {
  std::string profile = "lxc-baseline";  // "lxc-baseline" | "vm-baseline"
  std::vector<std::string> skip;         // rule names not to apply (nor verify)
  bool verify = true;                    // run each rule's verify after apply; failure fails the build
};

struct CloudInitSettings {
  std::vector<std::string> datasources = {"NoCloud", "ConfigDrive"};
  bool install = true;                 // apt install cloud-init when missing
  std::string extra_config;            // YAML written to /etc/cloud/cloud.cfg.d/99-sarga.cfg (may be empty)
};

struct CleanupSettings {
  bool machine_id = true;     // empty /etc/machine-id, remove /var/lib/dbus/machine-id
  bool ssh_host_keys = true;  // /etc/ssh/ssh_host_*
  bool logs = true;           // truncate /var/log files
  bool apt_lists = true;      // /var/lib/apt/lists/*, /var/cache/apt/*
  bool tmp = true;            // /tmp, /var/tmp contents
  bool history = true;        // shell histories
  std::vector<std::string> remove;  // extra absolute rootfs paths to delete
};

enum class StepKind { files, shell, packages, hardening, cloud_init, cleanup };

using StepSettings = std::variant<FilesSettings, ShellSettings, PackagesSettings, HardeningSettings,
                                  CloudInitSettings, CleanupSettings>;

struct StepSpec {
  StepKind kind = StepKind::shell;
  std::string type;  // "files" | "shell" | "packages" | "hardening" | "cloud_init" | "cleanup"
  std::string name;  // "name" attribute; defaults to the type
  std::vector<std::string> only;    // source names this step runs for (empty: all)
  std::vector<std::string> except;  // source names this step skips
  SourceLocation location;          // the provisioner block
  StepSettings settings;            // alternative index matches StepKind
};

// --------------------------------------------------------------- outputs

enum class Compression { zst, xz, gz };

struct LxcTemplateSettings {
  Compression format = Compression::zst;
  std::string name;     // file name without extension; empty: pipeline derives <ostype>-<build>_<version>_<arch>
  std::string version;  // e.g. "1.0"; empty: pipeline default
  std::optional<int> level;  // compression level; unset: tool default
};

struct ManifestSettings {
  std::string output = "manifest.json";  // relative: inside the output dir
  bool strip_path = false;
  std::map<std::string, std::string> custom_data;
};

struct SbomSettings {
  std::string output = "sbom.spdx.json";  // relative: inside the output dir
};

struct ProxmoxSettings {
  std::string endpoint;     // https://host:8006 (no /api2/json needed)
  std::string token;        // "user@realm!tokenid=secret"; a secret: never log it
  std::string node;
  std::string storage = "local";
  int keep = 0;             // keep the N newest templates of this name; 0 = keep all
  std::string fingerprint;  // SHA-256 pin of the server certificate, hex with or without colons
  std::string ca_file;      // absolute path of a CA bundle
  bool insecure = false;    // skip TLS verification (explicit opt-in)
};

// A partition of a disk image besides the ESP and the root filesystem ("partition" block).
struct PartitionSpec {
  std::string mountpoint;           // absolute, e.g. "/var", "/tmp"; unique; not "/" nor "/boot/efi"
  std::uint64_t size_mib = 0;       // required ("size" = "1G" / "512M")
  // Mount options in /etc/fstab; unset: per mountpoint defaults (/tmp, /var/tmp, /dev/shm:
  // nodev,nosuid,noexec; /var, /home, /var/log: nodev,nosuid; others: defaults).
  std::optional<std::vector<std::string>> options;
  SourceLocation location;          // the partition block
};

enum class ImageFormat { raw, qcow2 };

// Post-processor "disk-image": a GPT disk with an ESP (systemd-boot, kernel and initrd from
// the rootfs), an ext4 root and the declared partitions; fstab by UUID; serial console.
struct DiskImageSettings {
  ImageFormat format = ImageFormat::qcow2;
  std::string name;                   // file name without extension; empty: the build name
  std::uint64_t size_mib = 4096;      // whole disk ("size"); the root takes what the others leave
  std::uint64_t esp_size_mib = 256;   // "esp_size"
  std::string serial_console = "ttyS0,115200";  // "" = no serial console on the kernel command line
  std::vector<std::string> kernel_options;      // appended to the kernel command line
  std::vector<PartitionSpec> partitions;        // in order after the ESP; root comes last
};

enum class Accelerator { automatic, kvm, tcg };  // "auto": KVM when /dev/kvm is usable

// Post-processor "qemu-verify": boots the disk image (a throwaway overlay) in
// qemu-system-x86_64 with OVMF and a NoCloud seed; passes when the guest reports on the
// serial console that cloud-init finished (and every inline command succeeded).
struct QemuVerifySettings {
  int timeout_seconds = 600;          // "timeout" = "10m" / "90s"
  int memory_mib = 1024;              // "memory"
  int cpus = 2;
  Accelerator accelerator = Accelerator::automatic;
  std::string firmware;               // OVMF code image; empty: the first of Debian's OVMF_CODE_4M.fd, OVMF_CODE.fd
  bool network = true;                // a user-mode virtio NIC
  bool agent = true;                  // qemu-guest-agent must answer guest-ping over virtio-serial
  std::vector<std::string> inline_commands;  // "inline": run in the guest after cloud-init; any failure fails
};

// Post-processor "proxmox-vm-template": uploads the image (content "import"), creates a VM
// from it with a cloud-init drive, agent and serial console, and turns it into a template.
struct ProxmoxVmTemplateSettings {
  std::string endpoint;               // https://host:8006
  std::string token;                  // secret: never logged
  std::string node;
  std::string storage = "local-lvm";  // VM disks, EFI disk and cloud-init drive
  std::string import_storage = "local";  // storage with content "import" the image is uploaded to
  std::string import_from;            // instead of uploading: a volume id (<storage>:import/<file> or an images volume)
  std::optional<int> vmid;            // unset: the next free VMID
  std::string name;                   // VM name; empty: the build name
  std::vector<std::string> tags;      // besides "sarga-build"
  int memory_mib = 1024;
  int cores = 1;
  std::string bridge = "vmbr0";
  int keep = 0;                       // keep the N newest templates of this name; 0 = all
  std::string fingerprint;
  std::string ca_file;
  bool insecure = false;
};

enum class OutputKind { lxc_template, manifest, sbom, proxmox, disk_image, qemu_verify, proxmox_vm_template };

using OutputSettings = std::variant<LxcTemplateSettings, ManifestSettings, SbomSettings, ProxmoxSettings,
                                    DiskImageSettings, QemuVerifySettings, ProxmoxVmTemplateSettings>;

struct OutputSpec {
  OutputKind kind = OutputKind::lxc_template;
  std::string type;  // "lxc-template" | "manifest" | "sbom" | "proxmox" | "disk-image" | "qemu-verify" | "proxmox-vm-template"
  std::vector<std::string> only;
  std::vector<std::string> except;
  SourceLocation location;
  OutputSettings settings;  // alternative index matches OutputKind
};

// ------------------------------------------------------------- variables

struct VariableValue {
  std::string type;    // as declared: "string", "number", "bool", "list(string)", ...; "" = any
  nlohmann::json value;
  bool sensitive = false;
  std::string description;
};

// ------------------------------------------------------------------ build

// One build = one `build` block crossed with one of its sources.
struct BuildSpec {
  std::string name;       // build "name" attribute, else the source name; used for output-<name>/
  std::string full_name;  // "<build name>.<source type>.<source name>" (what -only matches too)
  std::string template_file;  // absolute path of the main template file
  std::string template_dir;   // its folder (relative paths were resolved against it)
  SourceLocation location;    // the build block
  SourceSpec source;
  std::vector<StepSpec> steps;      // in template order, only/except already applied
  std::vector<OutputSpec> outputs;  // in template order, only/except already applied
  std::map<std::string, VariableValue> variables;  // every declared variable, resolved
  std::map<std::string, nlohmann::json> locals;
  // Values of sensitive variables (non-empty strings): printers replace them with "<sensitive>".
  std::vector<std::string> sensitive_values;
};

// --------------------------------------------------------------- loading

// A template problem, with the place it was found. what() is
// "file:line:col: message" followed by the source line and a caret under the column.
class TemplateError : public std::runtime_error {
 public:
  TemplateError(std::string file, int line, int column, std::string message, std::string excerpt = {});
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string message_;
};

// "-var name=value" (value parsed according to the variable's declared type).
struct VarOverride {
  std::string name;
  std::string value;
};

// Loads a template file (*.pkr.hcl / *.hcl, or *.pkr.json / *.json) and returns one BuildSpec
// per build x source, in template order. Precedence: default < var-files (in order) < overrides
// (in order). Throws TemplateError (syntax, unknown block/attribute, wrong type, undefined or
// missing variable, bad function arguments, unreadable file).
std::vector<BuildSpec> load_template(const std::string& path, const std::vector<VarOverride>& overrides = {},
                                     const std::vector<std::string>& var_files = {});

// Same from text in memory (the fuzzer and tests use it); `path` is for messages and for
// resolving relative paths. `json` selects the JSON syntax.
std::vector<BuildSpec> load_template_text(const std::string& text, const std::string& path, bool json,
                                          const std::vector<VarOverride>& overrides = {},
                                          const std::vector<std::string>& var_files = {});

// Names for messages and printers.
const char* to_string(SourceKind);
const char* to_string(StepKind);
const char* to_string(OutputKind);
const char* to_string(Compression);  // "zst" | "xz" | "gz"
const char* to_string(ImageFormat);  // "raw" | "qcow2"
const char* to_string(Accelerator);  // "auto" | "kvm" | "tcg"

// Replaces every sensitive value in `text` with "<sensitive>".
std::string redact(const BuildSpec& spec, std::string text);

}  // namespace sarga::tmpl
