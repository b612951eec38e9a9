// Printable views of a BuildSpec for `sarga-build inspect`: JSON (machine-readable) and
// text for people. Sensitive variable values and the Proxmox token never appear.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "builder/template/spec.h"

namespace sarga::tmpl {

nlohmann::json describe_json(const BuildSpec& spec);
std::string describe_text(const BuildSpec& spec);
// Masks the spec's sensitive values in every string of a JSON tree.
void redact_json(const BuildSpec& spec, nlohmann::json& tree);

}  // namespace sarga::tmpl
