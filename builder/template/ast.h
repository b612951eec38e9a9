// Syntax tree shared by the HCL native syntax and the JSON syntax: both parsers produce
// it, the loader decodes it against the schema. Offsets point into `file` for messages.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/template/source_file.h"

namespace sarga::tmpl {

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  enum class Kind {
    literal,    // value
    templ,      // parts: strings and interpolations, concatenated
    list,       // items
    object,     // keys + items
    traversal,  // name (root) + steps (var.x.y[0])
    call,       // name(items...)
    unary,      // op + items[0]
    binary,     // items[0] op items[1]
    conditional,  // items[0] ? items[1] : items[2]
  };
  struct TemplatePart {
    std::string text;  // used when expr is null
    ExprPtr expr;
  };
  struct Step {
    std::string attr;  // used when index is null
    ExprPtr index;
    size_t offset = 0;
  };

  Kind kind = Kind::literal;
  const SourceFile* file = nullptr;
  size_t offset = 0;
  nlohmann::json value;                 // literal
  std::vector<TemplatePart> parts;      // templ
  std::vector<ExprPtr> items;           // list, call args, object values, operands
  std::vector<std::string> keys;        // object keys
  std::vector<size_t> key_offsets;      // object keys
  std::string name;                     // traversal root, call name, operator
  std::vector<Step> steps;              // traversal

  [[noreturn]] void fail(const std::string& message) const { fail_at(file, offset, message); }
};

struct Attribute {
  std::string name;
  const SourceFile* file = nullptr;
  size_t offset = 0;  // of the name
  ExprPtr expr;
};

struct Block;

struct Body {
  const SourceFile* file = nullptr;
  size_t offset = 0;  // opening brace (or start of file)
  std::vector<Attribute> attributes;
  std::vector<Block> blocks;  // in order of appearance
  const Attribute* find(const std::string& name) const {
    for (const auto& a : attributes)
      if (a.name == name) return &a;
    return nullptr;
  }
};

struct Block {
  std::string type;
  std::vector<std::string> labels;
  std::vector<size_t> label_offsets;
  const SourceFile* file = nullptr;
  size_t offset = 0;  // of the type name
  Body body;
  [[noreturn]] void fail(const std::string& message) const { fail_at(file, offset, message); }
};

}  // namespace sarga::tmpl
