// The qemu-system-x86_64 command line of a verify boot, and the choices that go into it
// (firmware files, accelerator), kept pure so tests can check them without running qemu.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "builder/template/spec.h"

namespace sarga::verify {

struct Firmware {
  std::filesystem::path code;  // read-only OVMF code
  std::filesystem::path vars;  // the matching variable store template (copied per boot)
};

// settings.firmware when set, else the first of OVMF_CODE_4M.fd, OVMF_CODE.fd in `ovmf_dir`;
// the vars file is the code file's name with CODE replaced by VARS. Throws std::runtime_error
// naming the `firmware` attribute or the Debian package `ovmf`.
Firmware find_firmware(const std::string& configured, const std::filesystem::path& ovmf_dir = "/usr/share/OVMF");

// True when /dev/kvm (or `device`) opens read-write.
bool kvm_usable(const std::filesystem::path& device = "/dev/kvm");

// "kvm" or "tcg". Throws std::runtime_error when `accelerator = "kvm"` was asked for without KVM.
std::string choose_accelerator(tmpl::Accelerator wanted, bool kvm_available);

struct QemuPlan {
  std::string accelerator;             // "kvm" | "tcg"
  int memory_mib = 1024;
  int cpus = 2;
  std::filesystem::path firmware_code;
  std::filesystem::path firmware_vars;  // the per-boot copy
  std::filesystem::path overlay;        // qcow2 overlay of the image
  std::filesystem::path seed_iso;
  std::filesystem::path console_log;
  bool network = true;
  std::filesystem::path agent_socket;   // empty: no guest agent channel
};

// argv, program first.
std::vector<std::string> qemu_argv(const QemuPlan& plan);

// `qemu-img create` of the throwaway overlay (the image stays untouched), program first.
std::vector<std::string> overlay_argv(const std::filesystem::path& image, tmpl::ImageFormat format,
                                      const std::filesystem::path& overlay);

}  // namespace sarga::verify
