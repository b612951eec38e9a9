// Expression evaluation (values are nlohmann::json), the built-in functions, and the
// variable type system (string, number, bool, list(T), set(T), map(T), any).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "builder/template/ast.h"

namespace sarga::tmpl {

struct EvalContext {
  // var.*: null when variables may not be referenced here (variable defaults, var-files).
  const std::map<std::string, nlohmann::json>* variables = nullptr;
  // local.*: empty when locals may not be referenced here.
  std::function<nlohmann::json(const std::string& name, const Expr& at)> local;
  std::vector<std::string> local_names;  // for suggestions
  bool allow_env = false;                // env() is for variable defaults only
  std::string base_dir;                  // file() paths and path.root
  std::string where;                     // e.g. "a variable default" (for messages)
};

nlohmann::json evaluate(const Expr& expr, const EvalContext& ctx);

// "string", "number", "bool", "list", "object", "null" (for messages).
std::string value_type_name(const nlohmann::json& v);
// Converts a value for interpolation; error text instead when it can't be.
std::optional<std::string> to_template_string(const nlohmann::json& v, std::string* error);

struct VarType {
  enum class Kind { any, string, number, boolean, list, set, map } kind = Kind::any;
  std::shared_ptr<VarType> element;  // list, set, map
  std::string str() const;
};

// Reads a type expression (string, list(string), ...). Throws TemplateError.
VarType parse_type(const Expr& expr);
// Converts `v` in place; returns an error text ("expected number, got string") when it can't.
std::optional<std::string> convert_value(nlohmann::json& v, const VarType& type);

}  // namespace sarga::tmpl
