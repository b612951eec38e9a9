// Command-line parsing (CLI11) and dispatch.
#include <iostream>

#include <CLI/CLI.hpp>

#include "builder/cli/cli.h"

namespace sarga::cli {

std::vector<std::string> normalize_args(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool after_double_dash = false;
  for (const auto& a : args) {
    if (after_double_dash) {
      out.push_back(a);
      continue;
    }
    if (a == "--") after_double_dash = true;
    bool single_dash_long = a.size() > 2 && a[0] == '-' && a[1] != '-' &&
                            ((a[1] >= 'a' && a[1] <= 'z') || (a[1] >= 'A' && a[1] <= 'Z')) &&
                            (a.size() > 2 && a[2] != '=');
    out.push_back(single_dash_long ? "-" + a : a);
  }
  return out;
}

namespace {

void add_load_options(CLI::App& cmd, LoadOptions& o, bool filters) {
  cmd.add_option("file", o.file, "template file (*.pkr.hcl or *.pkr.json)")->required();
  cmd.add_option("--var", o.vars, "set a variable: name=value (repeatable)")->take_all()->allow_extra_args(false);
  cmd.add_option("--var-file", o.var_files, "read variables from a file (.pkrvars.hcl or .json; repeatable)")
      ->allow_extra_args(false);
  if (filters) {
    cmd.add_option("--only", o.only, "run only builds matching these names (comma-separated, globs)")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd.add_option("--except", o.except,
                   "skip builds, or post-processors by type (e.g. proxmox-vm-template), matching these names")->delimiter(',')->allow_extra_args(false);
  }
  cmd.add_flag("--machine-readable", o.machine_readable, "JSON lines on stdout");
}

}  // namespace

int run(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  args = normalize_args(args);

  CLI::App app{"sarga-build: hardened Proxmox LXC templates and VM images from packer-style templates", "sarga-build"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every command");

  LoadOptions validate_opts;
  auto* validate = app.add_subcommand("validate", "check a template without building");
  add_load_options(*validate, validate_opts, true);

  LoadOptions inspect_opts;
  auto* inspect = app.add_subcommand("inspect", "show what each build would do, without doing it");
  add_load_options(*inspect, inspect_opts, true);

  BuildOptions build_opts;
  auto* build = app.add_subcommand("build", "run the builds of a template");
  add_load_options(*build, build_opts.load, true);
  build->add_flag("--force", build_opts.force, "replace existing artifacts in the output directory");
  build->add_option("--on-error", build_opts.on_error, "cleanup (default) or abort (keep the work dir)")
      ->check(CLI::IsMember({"cleanup", "abort"}));
  build->add_option("--output-dir", build_opts.output_dir, "artifact folder (default output-<build name>/)");
  build->add_option("--parallel-builds", build_opts.parallel_builds, "builds at once (0 = all)")
      ->check(CLI::NonNegativeNumber);

  AuditOptions audit_opts;
  auto* audit = app.add_subcommand("audit", "run the hardening checks on a rootfs directory or template archive");
  audit->add_option("target", audit_opts.target, "rootfs directory or LXC template archive")->required();
  audit->add_option("--profile", audit_opts.profile, "lxc-baseline (default) or vm-baseline");
  audit->add_option("--skip", audit_opts.skip, "rule names to leave out (repeatable, comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  audit->add_flag("--json", audit_opts.json, "JSON report on stdout");

  bool version_json = false;
  auto* version = app.add_subcommand("version", "print the version");
  version->add_flag("--machine-readable", version_json, "JSON on stdout");

  auto* schema = app.add_subcommand("schema", "print the JSON Schema of the template JSON syntax");
  schema->group("");  // for maintainers: regenerates schemas/builder-template.schema.json

  try {
    std::reverse(args.begin(), args.end());
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  if (*validate) return validate_command(validate_opts);
  if (*inspect) return inspect_command(inspect_opts);
  if (*build) return build_command(build_opts);
  if (*audit) return audit_command(audit_opts);
  if (*version) return version_command(version_json);
  if (*schema) return schema_command();
  return kExitUsage;
}

}  // namespace sarga::cli
