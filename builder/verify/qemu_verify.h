// Step "qemu-verify": boots a disk image once in qemu-system-x86_64 (OVMF, NoCloud seed) and
// passes when the guest reports on its serial console that cloud-init finished and every
// inline command succeeded.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "builder/template/spec.h"

namespace sarga::verify {

struct VerifyContext {
  std::function<void(const std::string&)> log;
  std::atomic<bool>* cancel = nullptr;
  std::filesystem::path work_dir;          // scratch (overlay, OVMF vars, seed, sockets)
  std::filesystem::path console_log_keep;  // on failure the serial console log is copied here
};

struct VerifyResult {
  double boot_seconds = 0;        // qemu start to the guest's "finished" line
  std::string accelerator;        // "kvm" | "tcg"
  bool agent_answered = false;
  nlohmann::json commands;        // [{command, exit_code}] of the inline commands
  nlohmann::json to_json() const;
};

// Boots a qcow2 overlay of `image` (the image itself is never written). Throws std::runtime_error
// naming the reason (timeout, guest reported a failing command, qemu exited, no OVMF) and the kept
// console log path.
VerifyResult qemu_verify(const std::filesystem::path& image, tmpl::ImageFormat format,
                         const tmpl::QemuVerifySettings&, const VerifyContext&);

}  // namespace sarga::verify
