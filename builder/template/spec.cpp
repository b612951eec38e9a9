// Small pieces of the spec contract: names, TemplateError, redaction.
#include "builder/template/spec.h"

namespace sarga::tmpl {

std::string SourceLocation::str() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

namespace {
std::string format_error(const std::string& file, int line, int column, const std::string& message,
                         const std::string& excerpt) {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
  if (!excerpt.empty()) out += "\n" + excerpt;
  return out;
}
}  // namespace

TemplateError::TemplateError(std::string file, int line, int column, std::string message, std::string excerpt)
    : std::runtime_error(format_error(file, line, column, message, excerpt)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      message_(std::move(message)) {}

const char* to_string(SourceKind k) {
  switch (k) {
    case SourceKind::mmdebstrap: return "mmdebstrap";
    case SourceKind::rootfs: return "rootfs";
  }
  return "?";
}

const char* to_string(StepKind k) {
  switch (k) {
    case StepKind::files: return "files";
    case StepKind::shell: return "shell";
    case StepKind::packages: return "packages";
    case StepKind::hardening: return "hardening";
    case StepKind::cloud_init: return "cloud_init";
    case StepKind::cleanup: return "cleanup";
  }
  return "?";
}

const char* to_string(OutputKind k) {
  switch (k) {
    case OutputKind::lxc_template: return "lxc-template";
    case OutputKind::manifest: return "manifest";
    case OutputKind::sbom: return "sbom";
    case OutputKind::proxmox: return "proxmox";
    case OutputKind::disk_image: return "disk-image";
    case OutputKind::qemu_verify: return "qemu-verify";
    case OutputKind::proxmox_vm_template: return "proxmox-vm-template";
  }
  return "?";
}

const char* to_string(ImageFormat f) { return f == ImageFormat::raw ? "raw" : "qcow2"; }

const char* to_string(Accelerator a) {
  switch (a) {
    case Accelerator::automatic: return "auto";
    case Accelerator::kvm: return "kvm";
    case Accelerator::tcg: return "tcg";
  }
  return "?";
}

const char* to_string(Compression c) {
  switch (c) {
    case Compression::zst: return "zst";
    case Compression::xz: return "xz";
    case Compression::gz: return "gz";
  }
  return "?";
}

std::string redact(const BuildSpec& spec, std::string text) {
  static const std::string mask = "<sensitive>";
  for (const auto& secret : spec.sensitive_values) {
    if (secret.empty()) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + mask.size()))
      text.replace(at, secret.size(), mask);
  }
  return text;
}

}  // namespace sarga::tmpl
