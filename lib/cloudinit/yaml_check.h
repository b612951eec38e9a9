// YAML parsing with errors that name the line, for user-supplied cloud-init documents.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace sarga::cloudinit {

struct YamlParse {
  YAML::Node root;                   // valid when error is empty
  std::optional<std::string> error;  // "line 3, column 5: illegal map value"
};

// Parses one YAML document. Line and column in the error are 1-based and relative to
// `text`, plus `line_offset` (for documents whose first lines were stripped).
YamlParse parse_yaml(std::string_view text, int line_offset = 0);

// "line 4" for a node parsed by parse_yaml (1-based), for semantic errors.
std::string line_of(const YAML::Node& node, int line_offset = 0);

// Short description of a node kind for messages: "a mapping", "a list", "a scalar", "null".
std::string kind_name(const YAML::Node& node);

}  // namespace sarga::cloudinit
