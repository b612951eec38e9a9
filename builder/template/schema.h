// What a template may contain: blocks, their labels and attributes with types. One table
// drives the loader's checks (unknown names, did-you-mean), the JSON syntax (which keys are
// blocks) and the JSON Schema in schemas/builder-template.schema.json (generated from it).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sarga::tmpl {

enum class AttrType {
  string,
  number,        // integer unless noted in the description
  boolean,
  string_list,
  string_map,
  any,           // variable defaults, locals
  type_expr,     // variable "type": string, number, bool, list(T), map(T), set(T), any
  string_or_list,  // shell "environment_vars" style lists; packer habit
};

struct AttrSchema {
  std::string name;
  AttrType type = AttrType::string;
  bool required = false;
  std::string description;
};

struct BlockSchema {
  std::string type;
  std::vector<std::string> label_names;  // e.g. {"type", "name"}
  std::vector<AttrSchema> attributes;
  std::vector<BlockSchema> blocks;        // nested block types
  std::vector<BlockSchema> variants;      // by first label (source, provisioner, post-processor)
  bool free_attributes = false;           // locals: any attribute name
  bool single = false;                    // at most one such block in its parent
  std::string description;

  const AttrSchema* attribute(const std::string& name) const;
  const BlockSchema* block(const std::string& name) const;
  const BlockSchema* variant(const std::string& label) const;
  std::vector<std::string> names() const;          // attributes and block types (for suggestions)
  std::vector<std::string> variant_names() const;
};

// The root: top-level attributes (none) and blocks (variable, locals, source, build).
const BlockSchema& template_schema();
// Schema for a -var-file in HCL or JSON (free attributes).
const BlockSchema& var_file_schema();

// JSON Schema (draft 2020-12) of the JSON syntax, generated from template_schema().
nlohmann::json template_json_schema();

std::string to_string(AttrType);

}  // namespace sarga::tmpl
