// Typed access to a block's attributes: evaluates an attribute and checks it is the type
// the schema expects, with "wrong type for attribute ..." messages at its location.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "builder/template/eval.h"

namespace sarga::tmpl {

class AttrReader {
 public:
  AttrReader(EvalContext ctx, std::string base_dir) : ctx_(std::move(ctx)), base_dir_(std::move(base_dir)) {}

  const EvalContext& context() const { return ctx_; }
  nlohmann::json value_of(const Attribute& attr) const;
  std::string get_string(const Attribute& attr);
  bool get_bool(const Attribute& attr);
  std::int64_t get_int(const Attribute& attr, std::int64_t min, std::int64_t max);
  std::vector<std::string> get_list(const Attribute& attr);
  std::map<std::string, std::string> get_map(const Attribute& attr);
  // A string that must be one of `allowed` (with a did-you-mean otherwise).
  std::string one_of(const Attribute& attr, const std::vector<std::string>& allowed);
  // A host path: relative ones start at the template's folder.
  std::string host_path(const std::string& path) const;

 private:
  [[noreturn]] void wrong_type(const Attribute& attr, const std::string& want, const nlohmann::json& got);
  EvalContext ctx_;
  std::string base_dir_;
};

// Calls f(name, attribute) for each attribute set in `body`.
template <typename F>
void each_attribute(const Body& body, F&& f) {
  for (const auto& attr : body.attributes) f(attr.name, attr);
}

std::string q(const std::string& s);                        // "\"s\""
std::string join_names(const std::vector<std::string>& names);  // "a, b, c"

}  // namespace sarga::tmpl
