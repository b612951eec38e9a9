// Renders a cty object or map as a cloud-config document: "#cloud-config" header, block-style
// YAML, keys in byte order, strings quoted whenever YAML 1.1 (what cloud-init's PyYAML reads)
// could take them for anything but a string, multi-line strings as literal blocks.
#pragma once

#include <stdexcept>
#include <string>

#include "provider/cty/value.h"

namespace sarga::resources::functions {

class CloudConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws CloudConfigError when `value` is not a known object or map, or holds unknowns.
std::string render_cloud_config(const cty::Value& value);

// The YAML body alone (no header), for any known value; exposed for tests.
std::string to_yaml(const cty::Value& value);

}  // namespace sarga::resources::functions
