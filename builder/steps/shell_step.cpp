#include <fstream>
#include <sstream>
#include <stdexcept>

#include "builder/steps/chroot.h"
#include "builder/steps/rootfs.h"
#include "builder/steps/steps.h"

namespace fs = std::filesystem;

namespace sarga::steps {

nlohmann::json run_shell(const StepContext& ctx, const tmpl::ShellSettings& settings) {
  Rootfs r(ctx.rootfs);
  auto interpreter = split_ws(settings.interpreter);
  if (interpreter.empty()) throw std::runtime_error("shell: interpreter is empty");
  std::vector<std::string> scripts;  // guest paths, removed afterwards
  if (!settings.inline_commands.empty()) {
    std::string body;
    for (const auto& c : settings.inline_commands) body += c + "\n";
    r.write("/tmp/sarga-inline.sh", body, 0700);
    scripts.push_back("/tmp/sarga-inline.sh");
  }
  int n = 0;
  for (const auto& s : settings.scripts) {
    std::ifstream in(s, std::ios::binary);
    if (!in) throw std::runtime_error("shell: script \"" + s + "\" cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string guest = "/tmp/sarga-script-" + std::to_string(n++) + ".sh";
    r.write(guest, ss.str(), 0700);
    scripts.push_back(guest);
  }
  nlohmann::json ran = nlohmann::json::array();
  {
    ChrootSession session(ctx);
    struct Remove {
      const Rootfs& r;
      const std::vector<std::string>& files;
      ~Remove() {
        for (const auto& f : files) try {
            r.remove(f);
          } catch (...) {
          }
      }
    } remove_scripts{r, scripts};
    for (size_t i = 0; i < scripts.size(); ++i) {
      auto argv = interpreter;
      argv.push_back(scripts[i]);
      std::string label = (i == 0 && !settings.inline_commands.empty()) ? std::string("inline commands")
                                                                         : "script " + scripts[i];
      int rc = session.run(argv, settings.environment);
      if (rc != 0) throw std::runtime_error("shell: " + label + " exited with status " + std::to_string(rc));
      ran.push_back(label);
    }
  }
  return {{"ran", ran}};
}

}  // namespace sarga::steps
