// Helpers shared by the template tests.
#pragma once

#include <string>

#include "builder/template/spec.h"

namespace sarga::tmpl::testing {

// A template that only needs `extra` (blocks or locals) to be valid.
inline std::string with_build(const std::string& extra) {
  return extra + "\nsource \"rootfs\" \"r\" {\n  path = \"/srv/rootfs\"\n}\nbuild {\n  sources = [\"source.rootfs.r\"]\n}\n";
}

// Evaluates `expr` as a local and returns its value.
inline nlohmann::json eval_local(const std::string& expr, const std::string& decls = "") {
  auto specs = load_template_text(with_build(decls + "\nlocals {\n  x = " + expr + "\n}\n"), "/t/test.pkr.hcl", false);
  return specs.at(0).locals.at("x");
}

// The what() of the TemplateError thrown by loading `text`, or "no error".
inline std::string error_of(const std::string& text, bool json = false, const std::vector<VarOverride>& vars = {},
                            const std::vector<std::string>& var_files = {}) {
  try {
    load_template_text(text, json ? "/t/test.pkr.json" : "/t/test.pkr.hcl", json, vars, var_files);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "no error";
}

inline std::string data_dir() { return std::string(SARGA_SOURCE_DIR) + "/builder/template/tests/data"; }

}  // namespace sarga::tmpl::testing
