// Loading a template for a command: -var parsing, -only/-except filters (-except also names
// post-processor types, as in packer), error output.
#include <fnmatch.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "builder/cli/cli.h"

namespace sarga::cli {

tmpl::VarOverride parse_var_flag(const std::string& flag) {
  size_t eq = flag.find('=');
  if (eq == std::string::npos || eq == 0)
    throw tmpl::TemplateError("-var", 1, 1, "expected name=value, got \"" + flag + "\"");
  return {flag.substr(0, eq), flag.substr(eq + 1)};
}

bool build_matches(const tmpl::BuildSpec& spec, const std::string& pattern) {
  for (const std::string& name : {spec.name, spec.full_name, spec.source.name, spec.source.type + "." + spec.source.name})
    if (fnmatch(pattern.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

namespace {

void print_template_error(const tmpl::TemplateError& e, bool machine_readable) {
  if (machine_readable) {
    nlohmann::json j = {{"type", "error"},
                        {"file", e.file()},
                        {"line", e.line()},
                        {"column", e.column()},
                        {"message", e.message()}};
    std::cout << j.dump() << std::endl;
  }
  std::cerr << e.what() << std::endl;
}

bool matches_any(const tmpl::BuildSpec& spec, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns)
    if (!p.empty() && build_matches(spec, p)) return true;
  return false;
}

bool matches_type(const std::string& type, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns)
    if (!p.empty() && fnmatch(p.c_str(), type.c_str(), 0) == 0) return true;
  return false;
}

}  // namespace

void skip_post_processors(tmpl::BuildSpec& spec, const std::vector<std::string>& patterns) {
  auto& outs = spec.outputs;
  bool image_skipped = false;
  for (const auto& o : outs) image_skipped = image_skipped || (o.kind == tmpl::OutputKind::disk_image && matches_type(o.type, patterns));
  std::erase_if(outs, [&](const tmpl::OutputSpec& o) {
    // Without the image there is nothing to boot or publish.
    bool needs_image = o.kind == tmpl::OutputKind::qemu_verify || o.kind == tmpl::OutputKind::proxmox_vm_template;
    return matches_type(o.type, patterns) || (image_skipped && needs_image);
  });
}

bool load_builds(const LoadOptions& options, std::vector<tmpl::BuildSpec>& out) {
  try {
    std::vector<tmpl::VarOverride> overrides;
    for (const auto& v : options.vars) overrides.push_back(parse_var_flag(v));
    std::vector<tmpl::BuildSpec> all = tmpl::load_template(options.file, overrides, options.var_files);
    for (const auto& pattern : options.only) {
      bool any = false;
      for (const auto& spec : all) any = any || build_matches(spec, pattern);
      if (!any) {
        std::string names;
        for (const auto& spec : all) names += (names.empty() ? "" : ", ") + spec.name;
        throw tmpl::TemplateError("-only", 1, 1, "\"" + pattern + "\" matches no build (builds: " + names + ")");
      }
    }
    out.clear();
    for (auto& spec : all) {
      if (!options.only.empty() && !matches_any(spec, options.only)) continue;
      if (matches_any(spec, options.except)) continue;
      skip_post_processors(spec, options.except);
      out.push_back(std::move(spec));
    }
    return true;
  } catch (const tmpl::TemplateError& e) {
    print_template_error(e, options.machine_readable);
    return false;
  }
}

}  // namespace sarga::cli
