// validate, inspect, version, schema: commands that only read.
#include <iostream>

#include <nlohmann/json.hpp>

#include "builder/cli/cli.h"
#include "builder/template/describe.h"
#include "builder/template/schema.h"

#ifdef SARGA_HAVE_PIPELINE
#include "builder/pipeline/run.h"
#endif

#ifndef SARGA_VERSION
#define SARGA_VERSION "0.0.0-dev"
#endif

namespace sarga::cli {

int validate_command(const LoadOptions& options) {
  std::vector<tmpl::BuildSpec> builds;
  if (!load_builds(options, builds)) return kExitUsage;
  if (options.machine_readable) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& b : builds) names.push_back(b.name);
    std::cout << nlohmann::json{{"type", "valid"}, {"file", options.file}, {"builds", names}}.dump() << std::endl;
  } else {
    std::cout << "The configuration is valid: " << builds.size() << " build" << (builds.size() == 1 ? "" : "s");
    for (size_t i = 0; i < builds.size(); ++i) std::cout << (i ? ", " : " (") << builds[i].name;
    std::cout << (builds.empty() ? "" : ")") << "\n";
  }
  return kExitOk;
}

namespace {

// Text view of the pipeline's plan: its scalar facts (output folder, cache paths and
// hits, ...) not already shown; -machine-readable carries the whole plan.
void print_plan_summary(const nlohmann::json& plan) {
  if (!plan.is_object()) return;
  std::cout << "  plan:\n";
  auto scalar = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  for (auto& [key, value] : plan.items()) {
    if (key == "name" || key == "full_name" || key == "location") continue;
    if (value.is_primitive()) {
      std::cout << "    " << key << ": " << scalar(value) << "\n";
    } else if (key == "outputs" && value.is_array()) {
      // The disk layout the image would get (the planner is pure, so this is exact).
      for (const auto& o : value) {
        if (o.contains("error")) std::cout << "    " << scalar(o["type"]) << ": " << scalar(o["error"]) << "\n";
        if (!o.contains("layout") || !o["layout"].is_object()) continue;
        std::cout << "    disk layout (" << scalar(o["file"]) << "):";
        for (const auto& p : o["layout"]["partitions"])
          std::cout << " " << scalar(p["mountpoint"]) << " " << scalar(p["size_mib"]) << "M";
        std::cout << "\n";
      }
    } else if (value.is_object()) {
      for (auto& [sub, v] : value.items())
        if (v.is_primitive() && (sub == "cache" || sub == "cache_hit" || sub.find("dir") != std::string::npos ||
                                 sub.find("path") != std::string::npos || sub == "error"))
          std::cout << "    " << key << "." << sub << ": " << scalar(v) << "\n";
    }
  }
}

}  // namespace

int inspect_command(const LoadOptions& options) {
  std::vector<tmpl::BuildSpec> builds;
  if (!load_builds(options, builds)) return kExitUsage;
  for (const auto& spec : builds) {
    nlohmann::json plan;
#ifdef SARGA_HAVE_PIPELINE
    // The pipeline's own dry run adds paths and commands; it must never fail inspect.
    try {
      plan = pipeline::describe_build(spec, pipeline::RunOptions{});
      tmpl::redact_json(spec, plan);
    } catch (const std::exception& e) {
      plan = nlohmann::json{{"error", tmpl::redact(spec, e.what())}};
    }
#endif
    if (options.machine_readable) {
      nlohmann::json j = tmpl::describe_json(spec);
      j["type"] = "build";
      if (!plan.is_null()) j["plan"] = plan;
      std::cout << j.dump() << std::endl;
    } else {
      std::cout << tmpl::describe_text(spec);
      if (!plan.is_null()) print_plan_summary(plan);
      std::cout << "\n";
    }
  }
  return kExitOk;
}

int version_command(bool machine_readable) {
  if (machine_readable)
    std::cout << nlohmann::json{{"type", "version"}, {"version", SARGA_VERSION}}.dump() << std::endl;
  else
    std::cout << "sarga-build " << SARGA_VERSION << "\n";
  return kExitOk;
}

int schema_command() {
  std::cout << tmpl::template_json_schema().dump(2) << "\n";
  return kExitOk;
}

}  // namespace sarga::cli
