#include "builder/verify/qemu_verify.h"

#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "builder/verify/console.h"
#include "builder/verify/guest_agent.h"
#include "builder/verify/guest_seed.h"
#include "builder/verify/qemu_command.h"
#include "lib/cloudinit/seed.h"
#include "lib/process/child_process.h"
#include "lib/process/process.h"

namespace sarga::verify {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(200);
constexpr auto kAgentBudget = std::chrono::seconds(30);
constexpr std::size_t kConsoleTail = 20;

void write_file(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out.flush()) throw std::runtime_error("qemu-verify: cannot write " + path.string());
}

std::string seconds_text(double s) {
  std::ostringstream o;
  o.precision(1);
  o << std::fixed << s;
  return o.str();
}

// Removes scratch files that may be large (the overlay collects every guest write) on every path.
struct ScratchFiles {
  std::vector<fs::path> files;
  std::optional<fs::path> dir;
  ~ScratchFiles() {
    std::error_code ec;
    for (const auto& f : files) fs::remove(f, ec);
    if (dir) fs::remove_all(*dir, ec);
  }
};

// unix socket paths are limited to 108 bytes; deep work dirs get a short private folder instead.
fs::path agent_socket_path(const fs::path& work_dir, ScratchFiles& scratch) {
  fs::path p = work_dir / "qga.sock";
  if (p.string().size() < 100) return p;
  std::string templ = (fs::temp_directory_path() / "sarga-qga-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("qemu-verify: cannot create a folder for the agent socket");
  scratch.dir = templ;
  return fs::path(templ) / "qga.sock";
}

class Verifier {
 public:
  Verifier(const fs::path& image, tmpl::ImageFormat format, const tmpl::QemuVerifySettings& settings,
           const VerifyContext& ctx)
      : image_(image), format_(format), s_(settings), ctx_(ctx) {}

  VerifyResult run() {
    check_settings();
    Firmware firmware = find_firmware(s_.firmware);
    bool kvm = kvm_usable();
    result_.accelerator = choose_accelerator(s_.accelerator, kvm);
    log("qemu-verify: accelerator " + result_.accelerator +
        (result_.accelerator == "tcg" && !kvm ? " (/dev/kvm is not usable)" : ""));

    const fs::path& work = ctx_.work_dir;
    fs::create_directories(work);
    console_ = work / "console.log";
    qemu_log_ = work / "qemu.log";

    QemuPlan plan;
    plan.accelerator = result_.accelerator;
    plan.memory_mib = s_.memory_mib;
    plan.cpus = s_.cpus;
    plan.network = s_.network;
    plan.firmware_code = firmware.code;
    plan.firmware_vars = work / "OVMF_VARS.fd";
    plan.overlay = work / "overlay.qcow2";
    plan.seed_iso = work / "seed.iso";
    plan.console_log = console_;
    scratch_.files = {plan.overlay, plan.firmware_vars};
    if (s_.agent) plan.agent_socket = agent_socket_path(work, scratch_);
    if (!plan.agent_socket.empty()) {
      scratch_.files.push_back(plan.agent_socket);
      fs::remove(plan.agent_socket);
    }

    nonce_ = make_nonce();
    write_file(plan.seed_iso, cloudinit::render_seed(verify_seed_input(nonce_, s_.inline_commands)).iso);

    std::optional<ConsoleReport> booted = boot(plan, firmware);
    if (!booted && s_.accelerator == tmpl::Accelerator::automatic) {
      // /dev/kvm opened, but KVM cannot run the firmware (seen with nested virtualisation).
      log("qemu-verify: KVM failed to run the guest (" + kvm_failure_ + "); booting again with tcg");
      result_.accelerator = plan.accelerator = "tcg";
      booted = boot(plan, firmware);
    }
    if (!booted) fail("KVM failed to run the guest (" + kvm_failure_ + "); set accelerator = \"tcg\" or \"auto\"");
    ConsoleReport report = *booted;
    result_.boot_seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    log("qemu-verify: cloud-init finished after " + seconds_text(result_.boot_seconds) + " s" +
        (report.guest_uptime ? " (guest uptime " + seconds_text(*report.guest_uptime) + " s)" : ""));

    result_.commands = nlohmann::json::array();
    for (std::size_t i = 0; i < s_.inline_commands.size(); ++i) {
      auto it = report.command_exits.find(static_cast<int>(i + 1));
      if (it == report.command_exits.end())
        fail("cloud-init finished but inline command " + std::to_string(i + 1) + " `" + s_.inline_commands[i] +
             "` never reported its exit code");
      result_.commands.push_back({{"command", s_.inline_commands[i]}, {"exit_code", it->second}});
    }
    if (s_.agent) {
      std::string detail;
      result_.agent_answered = ping_guest_agent(plan.agent_socket, kAgentBudget, ctx_.cancel, detail);
      if (cancelled()) fail("cancelled");
      if (!result_.agent_answered)
        fail("the guest agent (qemu-guest-agent) did not answer guest-sync/guest-ping within " +
             std::to_string(kAgentBudget.count()) + " s: " + detail);
      log("qemu-verify: guest agent answered");
    }
    qemu_->stop();
    return result_;
  }

 private:
  void log(const std::string& line) const {
    if (ctx_.log) ctx_.log(line);
  }

  bool cancelled() const { return ctx_.cancel && ctx_.cancel->load(); }

  void check_settings() const {
    if (ctx_.work_dir.empty()) throw std::runtime_error("qemu-verify: no work dir given (VerifyContext.work_dir)");
    if (!fs::is_regular_file(image_))
      throw std::runtime_error("qemu-verify: the disk image " + image_.string() + " does not exist");
    if (s_.cpus < 1) throw std::runtime_error("qemu-verify: cpus must be at least 1");
    if (s_.memory_mib < 128) throw std::runtime_error("qemu-verify: memory must be at least 128 (MiB)");
    if (s_.timeout_seconds < 1) throw std::runtime_error("qemu-verify: timeout must be at least 1s");
  }

  // One boot from a fresh variable store, overlay and console log. nullopt: KVM broke down
  // (qemu keeps running with the guest stopped, so this is read from its output).
  std::optional<ConsoleReport> boot(const QemuPlan& plan, const Firmware& firmware) {
    fs::copy_file(firmware.vars, plan.firmware_vars, fs::copy_options::overwrite_existing);
    fs::permissions(plan.firmware_vars, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
    make_overlay(plan.overlay);
    write_file(console_, "");
    write_file(qemu_log_, "");
    if (!plan.agent_socket.empty()) fs::remove(plan.agent_socket);
    log("qemu-verify: booting " + image_.filename().string() + " (" + plan.accelerator + ", " +
        std::to_string(s_.memory_mib) + " MiB, " + std::to_string(s_.cpus) + " CPUs, timeout " +
        std::to_string(s_.timeout_seconds) + " s)");
    qemu_.reset();
    try {
      qemu_.emplace(qemu_argv(plan), qemu_log_);
    } catch (const process::Error& e) {
      throw std::runtime_error(std::string("qemu-verify: ") + e.what());
    }
    started_ = Clock::now();
    std::optional<ConsoleReport> report = watch_console();
    if (!report) qemu_->stop();
    return report;
  }

  // qemu reports a KVM breakdown on stderr and then idles; the guest never continues.
  bool kvm_broke_down() {
    if (result_.accelerator != "kvm") return false;
    std::ifstream in(qemu_log_);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("KVM internal error") != std::string::npos || line.find("emulation failure") != std::string::npos) {
        kvm_failure_ = line;
        return true;
      }
    }
    return false;
  }

  void make_overlay(const fs::path& overlay) {
    fs::remove(overlay);
    try {
      process::run(overlay_argv(image_, format_, overlay));
    } catch (const process::Error& e) {
      throw std::runtime_error(std::string("qemu-verify: creating the disk overlay: ") + e.what());
    }
  }

  std::optional<ConsoleReport> watch_console() {
    ConsoleReport report;
    ConsoleLines splitter;
    std::ifstream console(console_, std::ios::binary);
    std::vector<char> buf(65536);
    const auto deadline = started_ + std::chrono::seconds(s_.timeout_seconds);
    auto last_output = started_;
    while (true) {
      // Polled before reading, so whatever the guest printed before qemu exited is still seen.
      std::optional<int> exit_status = qemu_->poll();
      console.clear();  // past EOF: the file keeps growing
      while (console.read(buf.data(), static_cast<std::streamsize>(buf.size())) || console.gcount() > 0) {
        last_output = Clock::now();
        for (const std::string& line : splitter.feed({buf.data(), static_cast<std::size_t>(console.gcount())}))
          scan_console_line(line, nonce_, report);
        if (console.eof()) break;
      }
      for (const auto& [n, code] : report.command_exits) {
        if (code == 0 || n < 1 || n > static_cast<int>(s_.inline_commands.size())) continue;
        fail("inline command " + std::to_string(n) + " `" + s_.inline_commands[static_cast<std::size_t>(n - 1)] +
             "` exited " + std::to_string(code));
      }
      if (report.finished) return report;
      if (exit_status)
        fail("qemu exited with " + process::describe_status(*exit_status) + " before the guest finished cloud-init" +
             qemu_output_tail());
      if (kvm_broke_down()) return std::nullopt;
      if (cancelled()) fail("cancelled");
      if (Clock::now() >= deadline) {
        // A silent console tells a stuck guest from a slow one.
        auto silent = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - last_output).count();
        fail("timed out after " + std::to_string(s_.timeout_seconds) +
             " s waiting for the guest to report that cloud-init finished (accelerator " + result_.accelerator + ")" +
             (silent >= 30 ? "; the console was silent for the last " + std::to_string(silent) + " s" : ""));
      }
      std::this_thread::sleep_for(kPollInterval);
    }
  }

  std::string qemu_output_tail() const {
    std::vector<std::string> lines = tail_lines(qemu_log_.string(), 10);
    if (lines.empty()) return "";
    std::string out = "; qemu said:";
    for (const auto& l : lines) out += "\n  " + l;
    return out;
  }

  // Stops qemu (so the console log is complete), keeps the log and throws with both.
  [[noreturn]] void fail(const std::string& what) {
    if (qemu_) qemu_->stop();
    std::string message = "qemu-verify: " + what;
    std::vector<std::string> tail = tail_lines(console_.string(), kConsoleTail);
    if (tail.empty()) {
      message += "\nthe serial console stayed empty";
    } else {
      message += "\nlast console lines:";
      for (const auto& l : tail) message += "\n  | " + l;
    }
    fs::path kept = console_;
    if (!ctx_.console_log_keep.empty()) {
      std::error_code ec;
      if (ctx_.console_log_keep.has_parent_path()) fs::create_directories(ctx_.console_log_keep.parent_path(), ec);
      fs::copy_file(console_, ctx_.console_log_keep, fs::copy_options::overwrite_existing, ec);
      if (!ec) kept = ctx_.console_log_keep;
    }
    message += "\nconsole log: " + kept.string();
    throw std::runtime_error(message);
  }

  const fs::path image_;
  const tmpl::ImageFormat format_;
  const tmpl::QemuVerifySettings& s_;
  const VerifyContext& ctx_;
  ScratchFiles scratch_;  // declared before qemu_: qemu is stopped before its files go
  std::optional<process::ChildProcess> qemu_;
  VerifyResult result_;
  fs::path console_, qemu_log_;
  std::string nonce_;
  std::string kvm_failure_;
  Clock::time_point started_;
};

}  // namespace

VerifyResult qemu_verify(const fs::path& image, tmpl::ImageFormat format, const tmpl::QemuVerifySettings& settings,
                         const VerifyContext& ctx) {
  return Verifier(image, format, settings, ctx).run();
}

}  // namespace sarga::verify
