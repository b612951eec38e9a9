#include "builder/pipeline/run.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>

#include "builder/outputs/outputs.h"
#include "builder/pipeline/build_defaults.h"
#include "builder/pipeline/vm_image.h"
#include "builder/pipeline/workdir.h"
#include "builder/publish/publish.h"
#include "builder/sources/sources.h"
#include "builder/steps/hardening.h"
#include "builder/steps/steps.h"
#include "builder/template/spec.h"
#include "lib/artifact/hash.h"

namespace fs = std::filesystem;

namespace sarga::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string random_uuid() {
  std::random_device rd;
  std::uniform_int_distribution<int> d(0, 15);
  const char* hex = "0123456789abcdef";
  std::string s = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  for (auto& c : s) {
    if (c == 'x') c = hex[d(rd)];
    else if (c == 'y') c = hex[8 + d(rd) % 4];
  }
  return s;
}


template <typename T>
const T* find_output(const tmpl::BuildSpec& spec, tmpl::OutputKind kind) {
  for (const auto& o : spec.outputs)
    if (o.kind == kind) return &std::get<T>(o.settings);
  return nullptr;
}

class Runner {
 public:
  Runner(const tmpl::BuildSpec& spec, const RunOptions& options) : spec_(spec), options_(options) {
    sink_ = options.progress ? options.progress
                             : (options.machine_readable ? json_lines_sink(std::cout) : human_sink(std::cerr));
    secrets_ = spec.sensitive_values;
    for (const auto& o : spec.outputs) {
      std::string token;
      if (o.kind == tmpl::OutputKind::proxmox) token = std::get<tmpl::ProxmoxSettings>(o.settings).token;
      if (o.kind == tmpl::OutputKind::proxmox_vm_template)
        token = std::get<tmpl::ProxmoxVmTemplateSettings>(o.settings).token;
      if (!token.empty()) {
        secrets_.push_back(token);
        if (auto eq = token.find('='); eq != std::string::npos) secrets_.push_back(token.substr(eq + 1));
      }
    }
  }

  BuildResult run() {
    auto start = Clock::now();
    result_.build_name = spec_.name;
    emit("build-start", "", "building " + spec_.full_name);
    std::string current = "setup";
    try {
      setup();
      disk_->check_ready();
      current = "source";
      run_source();
      // The layout goes into the rootfs before provisioners: hardening checks and edits it.
      if (disk_->active()) disk_->prepare_rootfs();
      for (size_t i = 0; i < spec_.steps.size(); ++i) {
        current = step_label(spec_.steps[i], i);
        run_step(spec_.steps[i], current);
      }
      current = "outputs";
      run_outputs();
      result_.ok = true;
    } catch (const std::exception& e) {
      result_.ok = false;
      result_.error = steps::redact(e.what(), secrets_);
      emit("error", current, result_.error);
    }
    finish_work_dir();
    result_.seconds = since(start);
    Event done{"build-done", spec_.name, "", result_.seconds, result_.ok ? "build finished" : "build failed", nullptr};
    if (!result_.kept_work_dir.empty()) done.data = {{"kept_work_dir", result_.kept_work_dir.string()}};
    sink_(done);
    return result_;
  }

 private:
  void emit(const std::string& kind, const std::string& step, const std::string& message,
            nlohmann::json data = nullptr, double seconds = 0) {
    sink_(Event{kind, spec_.name, step, seconds, steps::redact(message, secrets_), std::move(data)});
  }

  void check_cancel() {
    if (options_.cancel && options_.cancel->load()) throw std::runtime_error("build cancelled");
  }

  void setup() {
    output_dir_ = options_.output_dir.empty() ? fs::path("output-" + spec_.name) : options_.output_dir;
    std::error_code ec;
    if (fs::exists(output_dir_, ec) && !fs::is_empty(output_dir_, ec) && !options_.force)
      throw std::runtime_error("output directory " + output_dir_.string() +
                               " exists and is not empty; use -force to overwrite its artifacts");
    sde_ = pick_source_date_epoch(spec_);
    cache_dir_ = options_.cache_dir.empty() ? default_cache_dir() : options_.cache_dir;
    fs::path parent = options_.work_dir.empty() ? fs::temp_directory_path() : options_.work_dir;
    work_dir_ = make_work_dir(parent);
    rootfs_ = work_dir_ / "rootfs";
    fs::create_directories(rootfs_);
    ::chmod(rootfs_.c_str(), 0755);
    run_uuid_ = random_uuid();
    StepHooks hooks;
    hooks.emit = [this](const std::string& kind, const std::string& step, const std::string& message,
                        nlohmann::json data, double seconds) { emit(kind, step, message, std::move(data), seconds); };
    hooks.record = [this](nlohmann::json entry) { steps_report_.push_back(std::move(entry)); };
    hooks.check_cancel = [this] { check_cancel(); };
    disk_ = std::make_unique<DiskImageRun>(spec_, hooks, DiskImageRun::Paths{rootfs_, work_dir_, output_dir_}, sde_,
                                           options_.cancel);
  }

  steps::StepContext step_context(const std::string& step) {
    steps::StepContext ctx;
    ctx.rootfs = rootfs_;
    ctx.source_date_epoch = sde_;
    ctx.cancel = options_.cancel;
    ctx.secrets = secrets_;
    ctx.log = [this, step](const std::string& line) { emit("log", step, line); };
    return ctx;
  }

  void run_source() {
    auto t = Clock::now();
    std::string what = spec_.source.type + " \"" + spec_.source.name + "\"";
    emit("step-start", "source", what);
    sources::SourceContext ctx{rootfs_, cache_dir_, sde_, [this](const std::string& l) { emit("log", "source", l); }};
    try {
      source_info_ = sources::prepare_source(spec_.source, ctx);
    } catch (const std::exception& e) {
      throw std::runtime_error(located(spec_.source.location, e.what()));
    }
    double s = since(t);
    steps_report_.push_back({{"name", "source"}, {"type", spec_.source.type}, {"seconds", s}, {"status", "ok"}});
    emit("step-done", "source", source_info_.value("cache_hit", false) ? "cache hit" : "", source_info_, s);
  }

  void run_step(const tmpl::StepSpec& step, const std::string& label) {
    check_cancel();
    auto t = Clock::now();
    emit("step-start", label, "running");
    auto ctx = step_context(label);
    nlohmann::json report;
    try {
      switch (step.kind) {
        case tmpl::StepKind::files: report = steps::run_files(ctx, std::get<tmpl::FilesSettings>(step.settings)); break;
        case tmpl::StepKind::shell: report = steps::run_shell(ctx, std::get<tmpl::ShellSettings>(step.settings)); break;
        case tmpl::StepKind::packages:
          report = steps::run_packages(ctx, std::get<tmpl::PackagesSettings>(step.settings));
          break;
        case tmpl::StepKind::hardening:
          report = steps::hardening::run_hardening(ctx, std::get<tmpl::HardeningSettings>(step.settings));
          hardening_report_ = report;
          break;
        case tmpl::StepKind::cloud_init:
          report = steps::run_cloud_init(ctx, std::get<tmpl::CloudInitSettings>(step.settings));
          break;
        case tmpl::StepKind::cleanup:
          report = steps::run_cleanup(ctx, std::get<tmpl::CleanupSettings>(step.settings));
          break;
      }
    } catch (const std::exception& e) {
      steps_report_.push_back({{"name", label}, {"type", step.type}, {"seconds", since(t)}, {"status", "failed"}});
      throw std::runtime_error(located(step.location, e.what()));
    }
    double s = since(t);
    steps_report_.push_back({{"name", label}, {"type", step.type}, {"seconds", s}, {"status", "ok"}, {"report", report}});
    emit("step-done", label, "", nullptr, s);
  }

  void add_artifact(const fs::path& p, const std::string& sha, std::uint64_t size) {
    result_.files.push_back({p, sha, size});
    emit("artifact", "outputs", p.string(), {{"path", p.string()}, {"sha256", sha}, {"size", size}});
  }

  // Archive, disk image (staged) and SBOM first (they read the rootfs), then the boot proofs
  // of the staged image, then the image into the output dir, then publish, then the manifest
  // that records them all.
  void run_outputs() {
    check_cancel();
    std::optional<outputs::ArchiveResult> archive;
    for (const auto& o : spec_.outputs) {
      if (o.kind != tmpl::OutputKind::lxc_template) continue;
      auto t = Clock::now();
      emit("step-start", "lxc-template", "writing archive");
      try {
        archive = outputs::write_lxc_template(rootfs_, output_dir_, std::get<tmpl::LxcTemplateSettings>(o.settings),
                                              spec_.name, sde_);
      } catch (const std::exception& e) {
        throw std::runtime_error(located(o.location, e.what()));
      }
      double s = since(t);
      steps_report_.push_back({{"name", "lxc-template"}, {"type", "lxc-template"}, {"seconds", s}, {"status", "ok"}});
      emit("step-done", "lxc-template", archive->path.filename().string(), nullptr, s);
      add_artifact(archive->path, archive->sha256, archive->size);
    }
    if (disk_->active()) disk_->write_staged();
    if (auto* sbom = find_output<tmpl::SbomSettings>(spec_, tmpl::OutputKind::sbom)) {
      auto t = Clock::now();
      emit("step-start", "sbom", "reading the dpkg database");
      fs::path path = fs::path(sbom->output).is_absolute() ? fs::path(sbom->output) : output_dir_ / sbom->output;
      auto doc = outputs::make_sbom(rootfs_, spec_.name, sde_);
      // With a disk image the SBOM waits in the work dir too: an image that fails its boot
      // proof must not leave a new SBOM beside the previous image.
      fs::path staged = work_dir_ / "staged" / path.filename();
      fs::create_directories(staged.parent_path());
      std::ofstream(staged) << doc.dump(2) << "\n";
      if (!disk_->active()) move_into_place(staged, path);
      else sbom_pending_ = {staged, path};
      double s = since(t);
      steps_report_.push_back({{"name", "sbom"}, {"type", "sbom"}, {"seconds", s}, {"status", "ok"}});
      emit("step-done", "sbom", std::to_string(doc["packages"].size() - 1) + " packages", nullptr, s);
      if (!disk_->active()) add_artifact(path, artifact::sha256_file(path), fs::file_size(path));
    }
    if (disk_->active()) {
      disk_->verify();
      if (!sbom_pending_.first.empty()) {
        move_into_place(sbom_pending_.first, sbom_pending_.second);
        add_artifact(sbom_pending_.second, artifact::sha256_file(sbom_pending_.second), fs::file_size(sbom_pending_.second));
      }
      Artifact image = disk_->promote();
      add_artifact(image.path, image.sha256, image.size);
    }
    for (const auto& o : spec_.outputs) {
      if (o.kind != tmpl::OutputKind::proxmox) continue;
      check_cancel();
      if (!archive) throw std::runtime_error(located(o.location, "proxmox post-processor needs an lxc-template output"));
      auto t = Clock::now();
      emit("step-start", "proxmox", "publishing " + archive->path.filename().string());
      publish::PublishContext pctx{[this](const std::string& l) { emit("log", "proxmox", l); }, options_.cancel};
      try {
        publish_report_.push_back(
            publish::publish_to_proxmox(std::get<tmpl::ProxmoxSettings>(o.settings), archive->path, archive->sha256, pctx));
      } catch (const std::exception& e) {
        throw std::runtime_error(located(o.location, e.what()));
      }
      double s = since(t);
      steps_report_.push_back({{"name", "proxmox"}, {"type", "proxmox"}, {"seconds", s}, {"status", "ok"},
                               {"report", publish_report_.back()}});
      emit("step-done", "proxmox", publish_report_.back().value("volid", ""), publish_report_.back(), s);
    }
    if (disk_->active()) disk_->publish();
    write_manifest(archive);
  }

  void write_manifest(const std::optional<outputs::ArchiveResult>& archive) {
    tmpl::ManifestSettings defaults;
    const auto* m = find_output<tmpl::ManifestSettings>(spec_, tmpl::OutputKind::manifest);
    if (!m) m = &defaults;
    fs::path path = fs::path(m->output).is_absolute() ? fs::path(m->output) : output_dir_ / m->output;
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : result_.files)
      files.push_back({{"name", m->strip_path ? f.path.filename().string() : f.path.string()},
                       {"size", f.size},
                       {"sha256", f.sha256}});
    nlohmann::json custom = nlohmann::json::object();
    for (const auto& [k, v] : m->custom_data) custom[k] = v;
    nlohmann::json entry = {
        {"name", spec_.name},
        {"full_name", spec_.full_name},
        {"builder_type", "sarga-build." + spec_.source.type},
        {"build_time", std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count()},
        {"files", files},
        {"artifact_id", archive ? archive->path.filename().string() : ""},
        {"packer_run_uuid", run_uuid_},
        {"custom_data", custom},
        {"source", source_info_},
        {"source_date_epoch", sde_},
        {"steps", steps_report_},
        {"hardening", hardening_report_},
        {"published", publish_report_},
        {"template", spec_.template_file},
        {"template_version", options_.template_version.empty() ? std::string("0.1.0") : options_.template_version},
    };
    disk_->add_to_manifest(entry);
    outputs::write_manifest(path, entry, run_uuid_);
    result_.manifest = path;
    result_.hardening_report = hardening_report_;
    emit("artifact", "manifest", path.string());
  }

  void finish_work_dir() {
    if (work_dir_.empty()) return;
    if (!result_.ok && options_.on_error == OnError::abort) {
      unmount_below(work_dir_);
      result_.kept_work_dir = work_dir_;
      emit("log", "", "keeping work directory " + work_dir_.string() + " (-on-error=abort)");
      return;
    }
    try {
      remove_work_dir(work_dir_);
    } catch (const std::exception& e) {
      emit("error", "cleanup", e.what());
      if (result_.ok) {
        result_.ok = false;
        result_.error = e.what();
      }
    }
  }

  const tmpl::BuildSpec& spec_;
  const RunOptions& options_;
  EventSink sink_;
  std::vector<std::string> secrets_;
  BuildResult result_;
  fs::path output_dir_, cache_dir_, work_dir_, rootfs_;
  std::int64_t sde_ = 0;
  std::string run_uuid_;
  nlohmann::json source_info_ = nlohmann::json::object();
  nlohmann::json steps_report_ = nlohmann::json::array();
  nlohmann::json hardening_report_;
  nlohmann::json publish_report_ = nlohmann::json::array();
  std::unique_ptr<DiskImageRun> disk_;
  std::pair<fs::path, fs::path> sbom_pending_;  // staged SBOM -> its place, once the image is proven
};

}  // namespace

BuildResult run_build(const tmpl::BuildSpec& spec, const RunOptions& options) { return Runner(spec, options).run(); }

}  // namespace sarga::pipeline
