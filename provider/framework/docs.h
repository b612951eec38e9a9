// Registry-style documentation generated from the live schema:
//   index.md, resources/<name>.md, data-sources/<name>.md, ephemeral-resources/<name>.md,
//   functions/<name>.md
// where <name> is the type name without the "sarga_" prefix (as the registry does). The
// example comes from examples/<dir>/main.tf when such a file exists (see example_dirs()).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "provider/framework/provider.h"

namespace sarga::framework::docs {

// Relative file path -> content, for every generated file.
std::map<std::string, std::string> render(const Provider& provider, const std::string& examples_dir);

// Writes the files under `docs_dir`; returns the number written.
size_t write(const std::map<std::string, std::string>& files, const std::string& docs_dir);

// Files that are missing or differ under `docs_dir` (generated files only; hand-written
// guides are left alone), as human-readable lines: "docs/resources/x.md: differs".
std::vector<std::string> check(const std::map<std::string, std::string>& files,
                               const std::string& docs_dir);

}  // namespace sarga::framework::docs
