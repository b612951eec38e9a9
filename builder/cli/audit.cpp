// `sarga-build audit`: the hardening verify checks on a rootfs or template archive.
#include <iostream>

#include <nlohmann/json.hpp>

#include "builder/cli/cli.h"

#ifdef SARGA_HAVE_PIPELINE
#include "builder/pipeline/audit.h"
#endif

namespace sarga::cli {

int audit_command(const AuditOptions& options) {
  if (options.profile != "lxc-baseline" && options.profile != "vm-baseline") {
    std::cerr << "audit: unknown profile \"" << options.profile << "\" (lxc-baseline or vm-baseline)\n";
    return kExitUsage;
  }
#ifdef SARGA_HAVE_PIPELINE
  try {
    pipeline::AuditReport report = pipeline::audit(options.target, options.profile, options.skip);
    if (options.json)
      std::cout << report.to_json().dump(2) << "\n";
    else
      std::cout << report.to_text();
    return report.passed() ? kExitOk : kExitFailure;
  } catch (const std::exception& e) {
    if (options.json)
      std::cout << nlohmann::json{{"target", options.target}, {"error", e.what()}}.dump(2) << "\n";
    std::cerr << "audit: " << e.what() << "\n";
    return kExitUsage;
  }
#else
  std::cerr << "sarga-build was built without the build pipeline (builder/pipeline); audit is unavailable\n";
  return kExitFailure;
#endif
}

}  // namespace sarga::cli
