#include "builder/pipeline/vm_image.h"

#include "builder/pipeline/workdir.h"

#include <cstdio>

#include "builder/publish/vm_template.h"
#include "builder/template/units.h"
#include "builder/verify/qemu_verify.h"
#include "lib/artifact/hash.h"

namespace fs = std::filesystem;

namespace sarga::pipeline {

DiskImageRun::DiskImageRun(const tmpl::BuildSpec& spec, StepHooks hooks, Paths paths, std::int64_t sde,
                           std::atomic<bool>* cancel)
    : spec_(spec), hooks_(std::move(hooks)), paths_(std::move(paths)), sde_(sde), cancel_(cancel) {
  for (const auto& o : spec_.outputs)
    if (o.kind == tmpl::OutputKind::disk_image) disk_ = &o;  // the loader allows one
}

const tmpl::DiskImageSettings& DiskImageRun::settings() const {
  return std::get<tmpl::DiskImageSettings>(disk_->settings);
}

std::string DiskImageRun::file_name() const { return outputs::disk_image_filename(settings(), spec_.name); }

void DiskImageRun::check_ready() const {
  for (const auto& o : spec_.outputs)
    if (o.kind == tmpl::OutputKind::proxmox_vm_template &&
        std::get<tmpl::ProxmoxVmTemplateSettings>(o.settings).token.empty())
      throw std::runtime_error(located(o.location, "post-processor \"proxmox-vm-template\" has an empty token: set it "
                                                   "(user@realm!tokenid=secret), or build without publishing: "
                                                   "-except proxmox-vm-template"));
}

void DiskImageRun::prepare_rootfs() {
  try {
    layout_ = outputs::plan_disk_layout(settings(), spec_.full_name, sde_);
    outputs::prepare_rootfs_for_disk(paths_.rootfs, *layout_, settings());
  } catch (const std::exception& e) {
    throw std::runtime_error(located(disk_->location, e.what()));
  }
  std::string parts;
  for (const auto& p : layout_->partitions)
    parts += (parts.empty() ? "" : ", ") + p.mountpoint + " " + tmpl::format_size_mib(p.size_sectors / 2048);
  hooks_.emit("log", "disk-image", "disk layout: " + parts + " (fstab and kernel command line written)",
              layout_->to_json(), 0);
}

void DiskImageRun::write_staged() {
  fs::path staged = paths_.work_dir / "image" / file_name();
  fs::create_directories(staged.parent_path());
  timed_step(hooks_, "disk-image", "writing " + file_name(), disk_->location, [&](nlohmann::json& report) {
    auto log = [this](const std::string& line) { hooks_.emit("log", "disk-image", line, nullptr, 0); };
    image_ = outputs::write_disk_image(paths_.rootfs, *layout_, settings(), staged, paths_.work_dir / "disk-work",
                                       sde_, log);
    report = {{"file", file_name()}, {"format", image_->format}, {"size", image_->size},
              {"virtual_size", image_->virtual_size}, {"sha256", image_->sha256},
              {"kernel_version", image_->kernel_version}};
    return file_name() + ", " + std::to_string(image_->size) + " bytes";
  });
}

void DiskImageRun::verify() {
  fs::path console = paths_.output_dir / (file_name() + ".console.log");
  size_t index = 0;
  for (const auto& o : spec_.outputs) {
    if (o.kind != tmpl::OutputKind::qemu_verify) continue;
    const auto& s = std::get<tmpl::QemuVerifySettings>(o.settings);
    fs::create_directories(paths_.output_dir);
    verify::VerifyContext ctx;
    ctx.log = [this](const std::string& line) { hooks_.emit("log", "qemu-verify", line, nullptr, 0); };
    ctx.cancel = cancel_;
    ctx.work_dir = paths_.work_dir / ("verify-" + std::to_string(++index));
    fs::create_directories(ctx.work_dir);
    ctx.console_log_keep = console;
    std::string start = "booting " + file_name() + " (timeout " + tmpl::format_duration(s.timeout_seconds) + ")";
    timed_step(hooks_, "qemu-verify", start, o.location, [&](nlohmann::json& report) {
      verify::VerifyResult r;
      try {
        r = verify::qemu_verify(image_->path, settings().format, s, ctx);
      } catch (const std::exception& e) {
        std::string msg = e.what();
        // The log is the one thing that explains a failed boot: always say where it is.
        if (fs::exists(console) && msg.find(console.string()) == std::string::npos)
          msg += " (console log: " + console.string() + ")";
        throw std::runtime_error(msg);
      }
      report = r.to_json();
      report["location"] = o.location.str();
      verify_results_.push_back(report);
      char took[64];
      std::snprintf(took, sizeof took, "booted in %.1f s (%s)", r.boot_seconds, r.accelerator.c_str());
      return std::string(took);
    });
  }
  // A stale log from an earlier failed build would mislead once this image passed.
  std::error_code ec;
  if (index > 0) fs::remove(console, ec);
}

Artifact DiskImageRun::promote() {
  final_path_ = paths_.output_dir / file_name();
  move_into_place(image_->path, final_path_);
  image_->path = final_path_;
  return {final_path_, image_->sha256, image_->size};
}

void DiskImageRun::publish() {
  for (const auto& o : spec_.outputs) {
    if (o.kind != tmpl::OutputKind::proxmox_vm_template) continue;
    const auto& s = std::get<tmpl::ProxmoxVmTemplateSettings>(o.settings);
    timed_step(hooks_, "proxmox-vm-template", "publishing " + file_name() + " to " + s.node, o.location,
               [&](nlohmann::json& report) {
                 publish::PublishContext ctx{
                     [this](const std::string& line) { hooks_.emit("log", "proxmox-vm-template", line, nullptr, 0); },
                     cancel_};
                 report = publish::publish_vm_template(s, final_path_, image_->sha256, spec_.name, ctx);
                 report["type"] = "proxmox-vm-template";
                 published_.push_back(report);
                 std::string vmid = report.contains("vmid") ? report["vmid"].dump() : "?";
                 return "vmid " + vmid + (report.value("created", false) ? " created" : " unchanged");
               });
  }
}

void DiskImageRun::add_to_manifest(nlohmann::json& entry) const {
  if (!active() || !image_) return;
  entry["disk_image"] = {{"file", final_path_.filename().string()},
                         {"format", image_->format},
                         {"size", image_->size},
                         {"virtual_size", image_->virtual_size},
                         {"sha256", image_->sha256},
                         {"kernel_version", image_->kernel_version},
                         {"layout", layout_ ? layout_->to_json() : nlohmann::json(nullptr)}};
  entry["verify"] = verify_results_;
  for (const auto& p : published_) entry["published"].push_back(p);
  if (entry.value("artifact_id", "").empty()) entry["artifact_id"] = final_path_.filename().string();
}

nlohmann::json describe_vm_output(const tmpl::BuildSpec& spec, const tmpl::OutputSpec& o, std::int64_t sde) {
  nlohmann::json j = nlohmann::json::object();
  if (o.kind == tmpl::OutputKind::disk_image) {
    const auto& s = std::get<tmpl::DiskImageSettings>(o.settings);
    j["file"] = outputs::disk_image_filename(s, spec.name);
    j["format"] = tmpl::to_string(s.format);
    try {
      j["layout"] = outputs::plan_disk_layout(s, spec.full_name, sde).to_json();
    } catch (const std::exception& e) {
      j["layout"] = nullptr;
      j["error"] = located(o.location, e.what());
    }
  } else if (o.kind == tmpl::OutputKind::qemu_verify) {
    const auto& s = std::get<tmpl::QemuVerifySettings>(o.settings);
    j = {{"timeout", tmpl::format_duration(s.timeout_seconds)}, {"timeout_seconds", s.timeout_seconds},
         {"memory", s.memory_mib}, {"cpus", s.cpus}, {"accelerator", tmpl::to_string(s.accelerator)},
         {"firmware", s.firmware}, {"network", s.network}, {"agent", s.agent}, {"inline", s.inline_commands}};
  } else if (o.kind == tmpl::OutputKind::proxmox_vm_template) {
    const auto& s = std::get<tmpl::ProxmoxVmTemplateSettings>(o.settings);
    j = {{"endpoint", s.endpoint}, {"node", s.node}, {"storage", s.storage},
         {"import_storage", s.import_storage}, {"import_from", s.import_from},
         {"vmid", s.vmid ? nlohmann::json(*s.vmid) : nlohmann::json(nullptr)},
         {"name", s.name.empty() ? spec.name : s.name}, {"tags", s.tags}, {"keep", s.keep},
         {"token", s.token.empty() ? "" : "<sensitive>"}};
  }
  return j;
}

}  // namespace sarga::pipeline
