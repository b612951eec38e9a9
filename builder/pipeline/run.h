// Entry point the sarga-build CLI calls: runs one build (source, steps, outputs, boot
// proofs, publishing; order in docs/builder/pipeline.md) and reports progress as events.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sarga::tmpl {
struct BuildSpec;
}

namespace sarga::pipeline {

enum class OnError { cleanup, abort };  // abort = keep the work dir for debugging

// One progress event. Kinds: "build-start", "step-start", "step-done", "step-skip",
// "log", "artifact", "build-done", "error".
struct Event {
  std::string kind;
  std::string build;
  std::string step;            // "source", "files #1", "lxc-template", "disk-image", "qemu-verify", ...
  double seconds = 0;          // for *-done events
  std::string message;
  nlohmann::json data;         // extra structured details (may be null)
};
using EventSink = std::function<void(const Event&)>;

// Ready-made sinks: text for people, one JSON object per line for CI.
EventSink human_sink(std::ostream& out);
EventSink json_lines_sink(std::ostream& out);

struct RunOptions {
  std::filesystem::path output_dir;   // empty: "output-<build name>"
  bool force = false;                 // overwrite an existing output dir's artifacts
  OnError on_error = OnError::cleanup;
  bool machine_readable = false;      // picks the default sink when `progress` is empty
  EventSink progress;                 // optional; must be thread-safe for parallel builds
  std::atomic<bool>* cancel = nullptr;
  std::filesystem::path work_dir;     // empty: a fresh dir under $TMPDIR
  std::filesystem::path cache_dir;    // empty: $XDG_CACHE_HOME/sarga or ~/.cache/sarga
  std::string template_version;       // recorded in manifest.json ("" = sarga version)
};

struct Artifact {
  std::filesystem::path path;
  std::string sha256;
  std::uint64_t size = 0;
};

struct BuildResult {
  bool ok = false;
  std::string build_name;
  std::vector<Artifact> files;            // archive, sbom.spdx.json, disk image (not manifest.json)
  std::filesystem::path manifest;
  nlohmann::json hardening_report;        // null when no hardening step ran
  std::string error;                      // first error, prefixed with file:line when known
  double seconds = 0;
  std::filesystem::path kept_work_dir;    // set when on_error=abort kept it
};

BuildResult run_build(const tmpl::BuildSpec& spec, const RunOptions& options);

// What run_build would do, without doing it (for `sarga-build inspect`).
nlohmann::json describe_build(const tmpl::BuildSpec& spec, const RunOptions& options);

}  // namespace sarga::pipeline
