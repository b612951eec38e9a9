// Recursive-descent parser for the HCL2 native-syntax subset (no library for HCL exists in
// Debian). Scannerless: string templates and heredocs need context the parser already has.
#pragma once

#include "builder/template/ast.h"

namespace sarga::tmpl {

// Parses a whole file body (attributes and blocks). Throws TemplateError.
Body parse_hcl_body(const SourceFile& file);

// Parses one expression that must span the whole text (used for -var values and JSON
// "type" strings). Throws TemplateError with offsets into `file`.
ExprPtr parse_hcl_expression(const SourceFile& file);

// Parses the quoted string starting at `offset` (which holds '"') as a template; used by the
// JSON syntax, whose string escapes are a subset of HCL's.
ExprPtr parse_hcl_quoted_template(const SourceFile& file, size_t offset);

// Parses a whole file as template text (files with render = true): ${...} interpolations,
// $${ and %%{ escapes, everything else literal.
ExprPtr parse_hcl_template_text(const SourceFile& file);
// The same for the bytes [start, end) of `file`.
ExprPtr parse_hcl_template_range(const SourceFile& file, size_t start, size_t end);

}  // namespace sarga::tmpl
