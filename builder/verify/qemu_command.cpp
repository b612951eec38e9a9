#include "builder/verify/qemu_command.h"

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

namespace sarga::verify {
namespace {

namespace fs = std::filesystem;

// qemu option values separate settings with commas; a literal comma is written twice.
std::string opt(const fs::path& p) {
  std::string out;
  for (char c : p.string()) out += c == ',' ? std::string(",,") : std::string(1, c);
  return out;
}

fs::path vars_for(const fs::path& code) {
  std::string name = code.filename().string();
  auto at = name.rfind("CODE");
  if (at == std::string::npos) return {};
  return code.parent_path() / name.replace(at, 4, "VARS");
}

}  // namespace

Firmware find_firmware(const std::string& configured, const fs::path& ovmf_dir) {
  if (!configured.empty()) {
    fs::path code = configured;
    if (!fs::is_regular_file(code))
      throw std::runtime_error("qemu-verify: firmware = \"" + configured + "\" does not exist or is not a file");
    fs::path vars = vars_for(code);
    if (vars.empty() || !fs::is_regular_file(vars))
      throw std::runtime_error("qemu-verify: firmware = \"" + configured +
                               "\": no matching variable store beside it (expected " +
                               (vars.empty() ? std::string("a name containing CODE") : vars.string()) + ")");
    return {code, vars};
  }
  for (const char* name : {"OVMF_CODE_4M.fd", "OVMF_CODE.fd"}) {
    fs::path code = ovmf_dir / name;
    if (!fs::is_regular_file(code)) continue;
    fs::path vars = vars_for(code);
    if (!fs::is_regular_file(vars))
      throw std::runtime_error("qemu-verify: " + code.string() + " has no matching " + vars.string() +
                               "; reinstall the Debian package `ovmf` or set the `firmware` attribute");
    return {code, vars};
  }
  throw std::runtime_error("qemu-verify: no UEFI firmware found (OVMF_CODE_4M.fd or OVMF_CODE.fd in " +
                           ovmf_dir.string() + "); install the Debian package `ovmf` or set the `firmware` attribute");
}

bool kvm_usable(const fs::path& device) {
  int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::string choose_accelerator(tmpl::Accelerator wanted, bool kvm_available) {
  switch (wanted) {
    case tmpl::Accelerator::kvm:
      if (!kvm_available)
        throw std::runtime_error("qemu-verify: accelerator = \"kvm\" but /dev/kvm cannot be opened read-write; "
                                 "use \"auto\" or \"tcg\"");
      return "kvm";
    case tmpl::Accelerator::tcg: return "tcg";
    case tmpl::Accelerator::automatic: break;
  }
  return kvm_available ? "kvm" : "tcg";
}

std::vector<std::string> qemu_argv(const QemuPlan& p) {
  std::vector<std::string> a = {
      "qemu-system-x86_64",
      "-machine", "q35",
      "-accel", p.accelerator,
      // KVM passes the host CPU through; TCG emulates every feature it knows.
      "-cpu", p.accelerator == "kvm" ? "host" : "max",
      "-smp", std::to_string(p.cpus),
      "-m", std::to_string(p.memory_mib),
      "-nodefaults", "-no-user-config",
      "-display", "none", "-monitor", "none", "-no-reboot",
      "-drive", "if=pflash,format=raw,readonly=on,file=" + opt(p.firmware_code),
      "-drive", "if=pflash,format=raw,file=" + opt(p.firmware_vars),
      "-drive", "file=" + opt(p.overlay) + ",if=none,id=disk0,format=qcow2",
      "-device", "virtio-scsi-pci,id=scsi0",
      "-device", "scsi-hd,drive=disk0,bus=scsi0.0",
      "-drive", "file=" + opt(p.seed_iso) + ",if=ide,media=cdrom,format=raw,readonly=on",
      "-chardev", "file,id=console0,path=" + opt(p.console_log),
      "-serial", "chardev:console0",
  };
  if (p.network) {
    a.insert(a.end(), {"-nic", "user,model=virtio-net-pci"});
  } else {
    a.insert(a.end(), {"-nic", "none"});
  }
  if (!p.agent_socket.empty()) {
    a.insert(a.end(), {"-chardev", "socket,id=qga0,path=" + opt(p.agent_socket) + ",server=on,wait=off",
                       "-device", "virtio-serial-pci",
                       "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"});
  }
  return a;
}

std::vector<std::string> overlay_argv(const fs::path& image, tmpl::ImageFormat format, const fs::path& overlay) {
  return {"qemu-img", "create", "-q", "-f", "qcow2", "-b", fs::absolute(image).string(),
          "-F", format == tmpl::ImageFormat::raw ? "raw" : "qcow2", overlay.string()};
}

}  // namespace sarga::verify
