// sarga-build's command line: validate, build, inspect, audit, version (and schema, which
// prints the template JSON Schema). Exit codes: 0 ok, 1 failure, 2 usage or template error.
#pragma once

#include <string>
#include <vector>

#include "builder/template/spec.h"

namespace sarga::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Entry point used by main().
int run(int argc, char** argv);

// Packer spells long flags with one dash (-var, -only, -on-error=abort); CLI11 wants two.
// Rewrites "-name[=v]" to "--name[=v]" for multi-letter names; leaves the rest alone.
std::vector<std::string> normalize_args(const std::vector<std::string>& args);

// "name=value" -> VarOverride; throws TemplateError("-var", ...) when there is no "=".
tmpl::VarOverride parse_var_flag(const std::string& flag);

// Options shared by the commands that load a template.
struct LoadOptions {
  std::string file;
  std::vector<std::string> vars;       // "name=value"
  std::vector<std::string> var_files;
  std::vector<std::string> only;       // patterns; comma-separated lists allowed
  std::vector<std::string> except;     // builds, or post-processor types to skip
  bool machine_readable = false;
};

// Loads and filters by -only/-except; prints template errors (text or JSON line) and
// returns false then.
bool load_builds(const LoadOptions& options, std::vector<tmpl::BuildSpec>& out);

// -except for post-processors: drops the outputs whose type matches a pattern (glob), e.g.
// "proxmox-vm-template" builds without publishing. Skipping "disk-image" also drops
// qemu-verify and proxmox-vm-template, which need the image.
void skip_post_processors(tmpl::BuildSpec& spec, const std::vector<std::string>& patterns);

// True when `pattern` (glob with * and ?) matches the build's name, full name, source
// name or "type.name".
bool build_matches(const tmpl::BuildSpec& spec, const std::string& pattern);

int validate_command(const LoadOptions& options);
int inspect_command(const LoadOptions& options);

struct BuildOptions {
  LoadOptions load;
  bool force = false;
  std::string on_error = "cleanup";
  std::string output_dir;
  int parallel_builds = 0;  // 0 = all at once
};
int build_command(const BuildOptions& options);

struct AuditOptions {
  std::string target;
  std::string profile = "lxc-baseline";
  std::vector<std::string> skip;
  bool json = false;
};
int audit_command(const AuditOptions& options);

int version_command(bool machine_readable);
int schema_command();

}  // namespace sarga::cli
