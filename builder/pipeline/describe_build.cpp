// What a build would do, without doing it (`sarga-build inspect`), and the defaults
// shared with the runner.
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "builder/pipeline/build_defaults.h"
#include "builder/pipeline/run.h"
#include "builder/pipeline/vm_image.h"
#include "builder/sources/sources.h"
#include "builder/steps/hardening.h"

namespace fs = std::filesystem;

namespace sarga::pipeline {

std::int64_t pick_source_date_epoch(const tmpl::BuildSpec& spec) {
  if (spec.source.kind == tmpl::SourceKind::mmdebstrap && spec.source.mmdebstrap.source_date_epoch)
    return *spec.source.mmdebstrap.source_date_epoch;
  if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env && *env) {
    try {
      return std::stoll(env);
    } catch (...) {
      throw std::runtime_error(std::string("SOURCE_DATE_EPOCH=\"") + env + "\" is not an integer");
    }
  }
  // The template's own mtime: stable across rebuilds of an unchanged template.
  struct stat st;
  if (!spec.template_file.empty() && ::stat(spec.template_file.c_str(), &st) == 0) return st.st_mtim.tv_sec;
  return 0;
}

fs::path default_cache_dir() {
  if (const char* x = std::getenv("SARGA_CACHE_DIR"); x && *x) return x;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "sarga";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "sarga";
  return "/var/cache/sarga";
}

std::string step_label(const tmpl::StepSpec& s, size_t index) {
  std::string label = s.type;
  if (!s.name.empty() && s.name != s.type) label += " \"" + s.name + "\"";
  return label + " #" + std::to_string(index + 1);
}

nlohmann::json describe_build(const tmpl::BuildSpec& spec, const RunOptions& options) {
  nlohmann::json d;
  d["name"] = spec.name;
  d["full_name"] = spec.full_name;
  d["output_dir"] = (options.output_dir.empty() ? fs::path("output-" + spec.name) : options.output_dir).string();
  std::int64_t sde = pick_source_date_epoch(spec);
  d["source_date_epoch"] = sde;
  nlohmann::json src = {{"type", spec.source.type}, {"name", spec.source.name}};
  if (spec.source.kind == tmpl::SourceKind::mmdebstrap) {
    const auto& m = spec.source.mmdebstrap;
    fs::path cache = (options.cache_dir.empty() ? default_cache_dir() : options.cache_dir) / "rootfs" /
                     sources::bootstrap_cache_key(m, sde) / "rootfs.tar";
    src.update({{"suite", m.suite}, {"variant", m.variant}, {"include", m.include}, {"mirror", m.mirror},
                {"cache", cache.string()}, {"cache_hit", fs::exists(cache)}});
  } else {
    src["path"] = spec.source.rootfs.path;
  }
  d["source"] = src;
  nlohmann::json steps = nlohmann::json::array();
  for (size_t i = 0; i < spec.steps.size(); ++i) {
    const auto& s = spec.steps[i];
    nlohmann::json j = {{"step", step_label(s, i)}, {"location", s.location.str()}};
    if (s.kind == tmpl::StepKind::hardening) {
      const auto& h = std::get<tmpl::HardeningSettings>(s.settings);
      nlohmann::json rules = nlohmann::json::array();
      for (const auto* r : steps::hardening::profile_rules(h.profile))
        if (std::find(h.skip.begin(), h.skip.end(), r->name) == h.skip.end()) rules.push_back(r->name);
      j["profile"] = h.profile;
      j["rules"] = rules;
      j["skipped"] = h.skip;
    } else if (s.kind == tmpl::StepKind::packages) {
      const auto& p = std::get<tmpl::PackagesSettings>(s.settings);
      j["install"] = p.install;
      j["remove"] = p.remove;
    }
    steps.push_back(j);
  }
  d["steps"] = steps;
  nlohmann::json outs = nlohmann::json::array();
  for (const auto& o : spec.outputs) {
    nlohmann::json j = {{"type", o.type}, {"location", o.location.str()}};
    if (o.kind == tmpl::OutputKind::proxmox) {
      const auto& p = std::get<tmpl::ProxmoxSettings>(o.settings);
      j.update({{"endpoint", p.endpoint}, {"node", p.node}, {"storage", p.storage}, {"keep", p.keep},
                {"token", p.token.empty() ? "" : "<sensitive>"}});
    } else if (o.kind == tmpl::OutputKind::disk_image || o.kind == tmpl::OutputKind::qemu_verify ||
               o.kind == tmpl::OutputKind::proxmox_vm_template) {
      j.update(describe_vm_output(spec, o, sde));
    }
    outs.push_back(j);
  }
  d["outputs"] = outs;
  return d;
}

}  // namespace sarga::pipeline
