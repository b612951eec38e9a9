// `sarga-build build`: runs the selected builds through the pipeline, several at once
// when asked, and sums up. Ctrl-C cancels running builds (their cleanup still runs).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "builder/cli/cli.h"
#include "builder/template/describe.h"

#ifdef SARGA_HAVE_PIPELINE
#include "builder/pipeline/run.h"
#endif

namespace sarga::cli {

#ifdef SARGA_HAVE_PIPELINE
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void on_signal(int) { g_cancel.store(true); }

// Each build's output folder: -output-dir as given for one build, one subfolder per build
// otherwise, so parallel builds never share a folder.
std::filesystem::path output_dir_for(const BuildOptions& o, const tmpl::BuildSpec& spec, size_t builds) {
  if (o.output_dir.empty()) return {};
  if (builds == 1) return o.output_dir;
  return std::filesystem::path(o.output_dir) / spec.name;
}

}  // namespace

int build_command(const BuildOptions& options) {
  std::vector<tmpl::BuildSpec> builds;
  if (!load_builds(options.load, builds)) return kExitUsage;
  if (builds.empty()) {
    std::cerr << "no build selected\n";
    return kExitUsage;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  // Sinks write from several threads: one lock keeps lines whole.
  std::mutex out_lock;
  pipeline::EventSink inner = options.load.machine_readable ? pipeline::json_lines_sink(std::cout)
                                                            : pipeline::human_sink(std::cout);
  // Progress passes through the same masking as inspect: a sensitive value interpolated
  // into a command or message must not reach the terminal or CI logs.
  tmpl::BuildSpec secrets;
  for (const auto& b : builds)
    secrets.sensitive_values.insert(secrets.sensitive_values.end(), b.sensitive_values.begin(), b.sensitive_values.end());
  pipeline::EventSink sink = [&](const pipeline::Event& e) {
    pipeline::Event masked = e;
    masked.message = tmpl::redact(secrets, masked.message);
    tmpl::redact_json(secrets, masked.data);
    std::lock_guard<std::mutex> lock(out_lock);
    inner(masked);
  };

  std::vector<pipeline::BuildResult> results(builds.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < builds.size(); i = next++) {
      pipeline::RunOptions ro;
      ro.output_dir = output_dir_for(options, builds[i], builds.size());
      ro.force = options.force;
      ro.on_error = options.on_error == "abort" ? pipeline::OnError::abort : pipeline::OnError::cleanup;
      ro.machine_readable = options.load.machine_readable;
      ro.progress = sink;
      ro.cancel = &g_cancel;
      try {
        results[i] = pipeline::run_build(builds[i], ro);
      } catch (const std::exception& e) {
        results[i].ok = false;
        results[i].build_name = builds[i].name;
        results[i].error = tmpl::redact(builds[i], e.what());
      }
      if (results[i].build_name.empty()) results[i].build_name = builds[i].name;
    }
  };
  size_t threads = options.parallel_builds <= 0 ? builds.size()
                                                : std::min<size_t>(builds.size(), static_cast<size_t>(options.parallel_builds));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  bool all_ok = true;
  for (size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    r.error = tmpl::redact(secrets, r.error);
    all_ok = all_ok && r.ok;
    if (options.load.machine_readable) {
      nlohmann::json files = nlohmann::json::array();
      for (const auto& f : r.files) files.push_back({{"path", f.path.string()}, {"sha256", f.sha256}, {"size", f.size}});
      nlohmann::json j = {{"type", "result"}, {"build", r.build_name}, {"ok", r.ok},     {"seconds", r.seconds},
                          {"files", files},   {"error", r.error},      {"manifest", r.manifest.string()}};
      if (!r.kept_work_dir.empty()) j["kept_work_dir"] = r.kept_work_dir.string();
      std::cout << j.dump() << std::endl;
    } else {
      char took[32];
      std::snprintf(took, sizeof took, "%.1f", r.seconds);
      std::cout << "==> " << r.build_name << ": " << (r.ok ? "finished" : "FAILED") << " in " << took << " s\n";
      for (const auto& f : r.files) std::cout << "    " << f.path.string() << " (" << f.size << " bytes, sha256 " << f.sha256 << ")\n";
      if (!r.ok) std::cout << "    error: " << r.error << "\n";
      if (!r.kept_work_dir.empty()) std::cout << "    work dir kept: " << r.kept_work_dir.string() << "\n";
    }
  }
  if (g_cancel.load()) std::cerr << "cancelled\n";
  return all_ok ? kExitOk : kExitFailure;
}

#else

int build_command(const BuildOptions& options) {
  std::vector<tmpl::BuildSpec> builds;
  if (!load_builds(options.load, builds)) return kExitUsage;
  std::cerr << "sarga-build was built without the build pipeline (builder/pipeline); only validate and "
               "inspect work\n";
  return kExitFailure;
}

#endif

}  // namespace sarga::cli
