// The VM image part of one build (post-processors disk-image, qemu-verify and
// proxmox-vm-template): the disk layout written into the rootfs before provisioners, the
// image staged in the work dir, its boot proofs, its move into the output dir only once every
// proof passed, its publication, and what the manifest records about it.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/outputs/disk_image.h"
#include "builder/pipeline/run.h"
#include "builder/pipeline/step_hooks.h"
#include "builder/template/spec.h"

namespace sarga::pipeline {

class DiskImageRun {
 public:
  struct Paths {
    std::filesystem::path rootfs, work_dir, output_dir;
  };
  DiskImageRun(const tmpl::BuildSpec& spec, StepHooks hooks, Paths paths, std::int64_t sde,
               std::atomic<bool>* cancel);

  bool active() const { return disk_ != nullptr; }  // the build has a disk-image output
  std::string file_name() const;                    // "<name>.<qcow2|raw>"

  // Before anything runs: what would only fail late (a proxmox-vm-template without a token).
  void check_ready() const;
  // Before provisioners: plan the layout and write fstab, kernel command line, mountpoints.
  void prepare_rootfs();
  // The image into <work dir>/image/<file>; the output dir is not touched.
  void write_staged();
  // Every qemu-verify, in template order, on the staged image. A failure keeps the console
  // log at <output dir>/<file>.console.log and names it.
  void verify();
  // The staged image into the output dir (copy to .<file>.partial, then rename).
  Artifact promote();
  // Every proxmox-vm-template with the promoted image.
  void publish();
  // disk_image (layout, image), verify results, published VM templates, artifact_id.
  void add_to_manifest(nlohmann::json& entry) const;

 private:
  const tmpl::BuildSpec& spec_;
  StepHooks hooks_;
  Paths paths_;
  std::int64_t sde_;
  std::atomic<bool>* cancel_;
  const tmpl::OutputSpec* disk_ = nullptr;
  std::optional<outputs::DiskLayout> layout_;
  std::optional<outputs::DiskImageResult> image_;
  std::filesystem::path final_path_;
  nlohmann::json verify_results_ = nlohmann::json::array();
  nlohmann::json published_ = nlohmann::json::array();

  const tmpl::DiskImageSettings& settings() const;
};

// For `inspect`: one JSON object per VM image post-processor (planned layout, verify
// settings, VM template target without the token), keyed by the output's index.
nlohmann::json describe_vm_output(const tmpl::BuildSpec& spec, const tmpl::OutputSpec& output, std::int64_t sde);

}  // namespace sarga::pipeline
