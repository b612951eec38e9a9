// Post-processor blocks of VM images -> OutputSpec: "disk-image" (with its partition
// blocks), "qemu-verify", "proxmox-vm-template"; and the build-level rules between them.
#include <cctype>
#include <filesystem>
#include <set>

#include "builder/template/decode.h"
#include "builder/template/units.h"

namespace sarga::tmpl {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSizeUnits = "units M/MiB, G/GiB, T/TiB";

std::uint64_t get_size(AttrReader& r, const Attribute& a) {
  std::string text = r.get_string(a);
  std::string why;
  auto mib = parse_size_mib(text, why);
  if (!mib && why == "bare number")
    a.expr->fail("attribute " + q(a.name) + " needs a unit: write \"" + text + "M\" or \"" + text + "G\" (" +
                 kSizeUnits + ")");
  if (!mib) a.expr->fail("attribute " + q(a.name) + " must be a size such as \"4G\" or \"512M\" (" + kSizeUnits +
                         "), got " + q(text));
  if (*mib == 0) a.expr->fail("attribute " + q(a.name) + " must be larger than 0");
  return *mib;
}

int get_duration(AttrReader& r, const Attribute& a) {
  std::string text = r.get_string(a);
  std::string why;
  auto seconds = parse_duration_seconds(text, why);
  if (!seconds && why == "bare number")
    a.expr->fail("attribute " + q(a.name) + " needs a unit: write \"" + text + "s\" or \"" + text +
                 "m\" (units h, m, s as in \"1h30m\")");
  if (!seconds)
    a.expr->fail("attribute " + q(a.name) + " must be a duration such as \"10m\", \"90s\" or \"1h30m\", got " + q(text));
  if (*seconds < 1 || *seconds > 24 * 3600)
    a.expr->fail("attribute " + q(a.name) + " must be between 1s and 24h, got " + q(text));
  return static_cast<int>(*seconds);
}

// The list element `i` of a list literal (for the caret), else the whole expression.
const Expr& element(const Attribute& a, size_t i) {
  if (a.expr->kind == Expr::Kind::list && i < a.expr->items.size()) return *a.expr->items[i];
  return *a.expr;
}

// Words that end up on a command line or in fstab: no blanks, no commas inside one option.
void check_words(const Attribute& a, const std::vector<std::string>& words, bool allow_comma) {
  for (size_t i = 0; i < words.size(); ++i)
    if (const std::string& w = words[i]; w.empty() || w.find_first_of(allow_comma ? " \t\n" : " \t\n,") != std::string::npos)
      element(a, i).fail("attribute " + q(a.name) + ": " + q(w) + " must be one non-empty word" +
                   (allow_comma ? "" : " (give each option as its own list element)"));
}

PartitionSpec decode_partition(const Block& block, AttrReader& r) {
  PartitionSpec p;
  p.location = block.file->location(block.offset);
  const Body& body = block.body;
  each_attribute(body, [&](const std::string& n, const Attribute& a) {
    if (n == "mountpoint") p.mountpoint = r.get_string(a);
    else if (n == "size") p.size_mib = get_size(r, a);
    else if (n == "options") {
      p.options = r.get_list(a);
      if (p.options->empty()) a.expr->fail("attribute \"options\" must not be empty (leave it out for the defaults)");
      check_words(a, *p.options, false);
    }
  });
  const Attribute* mp = body.find("mountpoint");
  std::string normal = fs::path(p.mountpoint).lexically_normal().string();
  if (p.mountpoint.empty() || p.mountpoint[0] != '/' || normal != p.mountpoint || p.mountpoint.find("..") != std::string::npos)
    mp->expr->fail("attribute \"mountpoint\" must be a normalized absolute path such as \"/var\", got " + q(p.mountpoint));
  if (p.mountpoint == "/" || p.mountpoint == "/boot/efi" || p.mountpoint == "/boot")
    mp->expr->fail("attribute \"mountpoint\": " + q(p.mountpoint) +
                   " is made by the disk-image itself (root and ESP); use size and esp_size");
  return p;
}

void decode_disk_image(const Block& block, AttrReader& r, DiskImageSettings& s) {
  const Body& body = block.body;
  each_attribute(body, [&](const std::string& n, const Attribute& a) {
    if (n == "format") s.format = r.one_of(a, {"qcow2", "raw"}) == "raw" ? ImageFormat::raw : ImageFormat::qcow2;
    else if (n == "name") {
      s.name = r.get_string(a);
      if (s.name.empty() || s.name.find('/') != std::string::npos || s.name[0] == '.')
        a.expr->fail("attribute \"name\" must be a plain file name, got " + q(s.name));
    } else if (n == "size") s.size_mib = get_size(r, a);
    else if (n == "esp_size") s.esp_size_mib = get_size(r, a);
    else if (n == "serial_console") {
      s.serial_console = r.get_string(a);
      check_words(a, s.serial_console.empty() ? std::vector<std::string>{} : std::vector<std::string>{s.serial_console},
                  true);
    } else if (n == "kernel_options") {
      s.kernel_options = r.get_list(a);
      check_words(a, s.kernel_options, true);
    }
  });
  std::set<std::string> seen;
  std::uint64_t taken = s.esp_size_mib;
  for (const auto& nested : body.blocks) {
    PartitionSpec p = decode_partition(nested, r);
    if (!seen.insert(p.mountpoint).second)
      nested.body.find("mountpoint")->expr->fail("mountpoint " + q(p.mountpoint) + " has two partition blocks");
    taken += p.size_mib;
    s.partitions.push_back(std::move(p));
  }
  // The GPT takes 1 MiB at each end; the root needs room of its own.
  if (taken + 2 >= s.size_mib) {
    std::string at = " (ESP " + format_size_mib(s.esp_size_mib) + " + partitions " +
                     format_size_mib(taken - s.esp_size_mib) + ")";
    std::string msg = "the disk of " + format_size_mib(s.size_mib) + " leaves no room for the root filesystem" + at +
                      "; raise \"size\"";
    if (const Attribute* size = body.find("size")) size->expr->fail(msg);
    block.fail(msg);
  }
}

void decode_qemu_verify(const Body& body, AttrReader& r, QemuVerifySettings& s) {
  each_attribute(body, [&](const std::string& n, const Attribute& a) {
    if (n == "timeout") s.timeout_seconds = get_duration(r, a);
    else if (n == "memory") s.memory_mib = static_cast<int>(r.get_int(a, 128, 1024 * 1024));
    else if (n == "cpus") s.cpus = static_cast<int>(r.get_int(a, 1, 256));
    else if (n == "accelerator") {
      std::string v = r.one_of(a, {"auto", "kvm", "tcg"});
      s.accelerator = v == "kvm" ? Accelerator::kvm : v == "tcg" ? Accelerator::tcg : Accelerator::automatic;
    } else if (n == "firmware") {
      s.firmware = r.host_path(r.get_string(a));
      if (!fs::is_regular_file(s.firmware)) a.expr->fail("firmware " + q(s.firmware) + " does not exist");
    } else if (n == "network") s.network = r.get_bool(a);
    else if (n == "agent") s.agent = r.get_bool(a);
    else if (n == "inline") {
      s.inline_commands = r.get_list(a);
      for (size_t i = 0; i < s.inline_commands.size(); ++i)
        if (s.inline_commands[i].empty() || s.inline_commands[i].find('\n') != std::string::npos)
          element(a, i).fail("attribute \"inline\": each command must be one non-empty line");
    }
  });
}

bool is_pve_tag(const std::string& t) {
  if (t.empty() || t[0] == '-' || t[0] == '+' || t[0] == '.') return false;
  for (char c : t)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '+' && c != '.') return false;
  return true;
}

void decode_vm_template(const Body& body, AttrReader& r, ProxmoxVmTemplateSettings& s) {
  each_attribute(body, [&](const std::string& n, const Attribute& a) {
    if (n == "endpoint") s.endpoint = r.get_string(a);
    else if (n == "token") s.token = r.get_string(a);
    else if (n == "node") s.node = r.get_string(a);
    else if (n == "storage") s.storage = r.get_string(a);
    else if (n == "import_storage") s.import_storage = r.get_string(a);
    else if (n == "import_from") s.import_from = r.get_string(a);
    else if (n == "vmid") s.vmid = static_cast<int>(r.get_int(a, 100, 999999999));
    else if (n == "name") {
      s.name = r.get_string(a);
      bool ok = !s.name.empty() && std::isalnum(static_cast<unsigned char>(s.name[0]));
      for (char c : s.name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.');
      if (!ok) a.expr->fail("attribute \"name\" must be a DNS name (letters, digits, \"-\", \".\"), got " + q(s.name));
    } else if (n == "tags") {
      s.tags = r.get_list(a);
      for (size_t i = 0; i < s.tags.size(); ++i)
        if (const std::string& t = s.tags[i]; !is_pve_tag(t))
          element(a, i).fail("attribute \"tags\": " + q(t) + " is not a Proxmox tag (letters, digits, \"_\", \"-\", \"+\", \".\")");
    } else if (n == "memory") s.memory_mib = static_cast<int>(r.get_int(a, 16, 1024 * 1024 * 4));
    else if (n == "cores") s.cores = static_cast<int>(r.get_int(a, 1, 512));
    else if (n == "bridge") s.bridge = r.get_string(a);
    else if (n == "keep") s.keep = static_cast<int>(r.get_int(a, 0, 100000));
    else if (n == "fingerprint") s.fingerprint = r.get_string(a);
    else if (n == "ca_file") s.ca_file = r.host_path(r.get_string(a));
    else if (n == "insecure") s.insecure = r.get_bool(a);
  });
  // An empty token (say, an unset environment variable) is fine for builds run with
  // -except proxmox-vm-template; run_build refuses it before building otherwise.
  check_pve_connection(body, s.endpoint, s.token, s.node, s.storage, s.fingerprint, s.ca_file, s.insecure, false);
  if (s.import_storage.empty() && s.import_from.empty())
    body.find("import_storage")->expr->fail("attribute \"import_storage\" must not be empty (or set import_from)");
  // PVE takes a filesystem path only from root@pam itself, never from an API token.
  if (!s.import_from.empty() && (s.import_from[0] == '/' || s.import_from.find(':') == std::string::npos))
    body.find("import_from")
        ->expr->fail("attribute \"import_from\" must be a volume id such as \"local:import/debian.qcow2\" (PVE "
                     "accepts paths only from root@pam, not from API tokens), got " + q(s.import_from));
  if (s.bridge.empty()) body.find("bridge")->expr->fail("attribute \"bridge\" must not be empty");
}

}  // namespace

void decode_vm_output(const Block& block, AttrReader& r, OutputSpec& out) {
  const std::string& t = out.type;
  if (t == "disk-image") {
    out.kind = OutputKind::disk_image;
    DiskImageSettings s;
    decode_disk_image(block, r, s);
    out.settings = s;
  } else if (t == "qemu-verify") {
    out.kind = OutputKind::qemu_verify;
    QemuVerifySettings s;
    decode_qemu_verify(block.body, r, s);
    out.settings = s;
  } else {
    out.kind = OutputKind::proxmox_vm_template;
    ProxmoxVmTemplateSettings s;
    decode_vm_template(block.body, r, s);
    out.settings = s;
  }
}

void check_output_combination(const std::vector<OutputSpec>& outputs, const std::vector<const Block*>& blocks) {
  const OutputSpec* disk = nullptr;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].kind != OutputKind::disk_image) continue;
    if (disk)
      blocks[i]->fail("a build takes one \"disk-image\" post-processor; the first is at " + disk->location.str());
    disk = &outputs[i];
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto kind = outputs[i].kind;
    if (disk || (kind != OutputKind::qemu_verify && kind != OutputKind::proxmox_vm_template)) continue;
    blocks[i]->fail("post-processor " + q(outputs[i].type) + " needs a \"disk-image\" post-processor in the same build (" +
                    (kind == OutputKind::qemu_verify ? "it boots that image" : "it publishes that image") + ")");
  }
}

}  // namespace sarga::tmpl
