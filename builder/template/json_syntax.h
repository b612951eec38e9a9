// The JSON syntax (*.pkr.json): nlohmann_json's SAX parser with a byte counter, so every
// key and value keeps its offset, then HCL's JSON mapping (schema decides which keys are
// blocks; nested objects carry the labels; arrays keep block order) into the common AST.
#pragma once

#include "builder/template/ast.h"
#include "builder/template/schema.h"

namespace sarga::tmpl {

// Parses `file` as JSON and maps it onto `schema` (the root block's schema). Throws TemplateError.
// Strings holding "${" or "%{" are templates: they are decoded first, then parsed from a
// small SourceFile kept in `storage` (it must outlive the returned AST).
Body parse_json_body(const SourceFile& file, const BlockSchema& schema,
                     std::vector<std::unique_ptr<SourceFile>>& storage);

}  // namespace sarga::tmpl
