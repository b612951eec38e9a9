#include "lib/cloudinit/yaml_check.h"

#include <cctype>

namespace sarga::cloudinit {

YamlParse parse_yaml(std::string_view text, int line_offset) {
  YamlParse out;
  try {
    out.root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string message = e.msg;
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(message[0]));
    if (e.mark.is_null())
      out.error = message;
    else
      out.error = "line " + std::to_string(e.mark.line + 1 + line_offset) + ", column " +
                  std::to_string(e.mark.column + 1) + ": " + message;
  }
  return out;
}

std::string line_of(const YAML::Node& node, int line_offset) {
  return "line " + std::to_string(node.Mark().line + 1 + line_offset);
}

std::string kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    default: return "null";
  }
}

}  // namespace sarga::cloudinit
