// Full build from a cached minbase: load the template, run the build, print each
// step's seconds and the total (target <= 60 s with the bootstrap cache warm).
//
//   sarga_full_build_bench [template] [--runs N]
//
// Default template: examples/images/debian12-lxc-hardened.pkr.hcl. A first run with a
// cold cache is reported separately (it includes the download).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "builder/pipeline/run.h"
#include "builder/pipeline/workdir.h"
#include "builder/template/spec.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::string file = std::string(SARGA_SOURCE_DIR) + "/examples/images/debian12-lxc-hardened.pkr.hcl";
  int runs = 2;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
    else file = a;
  }
  auto builds = sarga::tmpl::load_template(file);
  if (builds.empty()) {
    std::cerr << "no builds in " << file << "\n";
    return 1;
  }
  fs::path out = sarga::pipeline::make_work_dir(fs::temp_directory_path());
  for (int r = 0; r < runs; ++r) {
    sarga::pipeline::RunOptions o;
    o.output_dir = out / ("run" + std::to_string(r));
    o.force = true;
    o.progress = [](const sarga::pipeline::Event& e) {
      if (e.kind == "step-done") std::printf("  %-16s %6.2f s%s\n", e.step.c_str(), e.seconds,
                                             e.message.empty() ? "" : ("  (" + e.message + ")").c_str());
    };
    auto result = sarga::pipeline::run_build(builds[0], o);
    if (!result.ok) {
      std::cerr << "build failed: " << result.error << "\n";
      return 1;
    }
    std::printf("run %d: %s in %.2f s (target <= 60 s with a warm cache)\n", r + 1, builds[0].name.c_str(),
                result.seconds);
  }
  sarga::pipeline::remove_work_dir(out);
  return 0;
}
