// Decoding of provisioner and post-processor blocks (already checked against the schema)
// into the typed StepSpec / OutputSpec, with their semantic checks.
#pragma once

#include <memory>
#include <vector>

#include "builder/template/attrs.h"
#include "builder/template/spec.h"

namespace sarga::tmpl {

// Files read while decoding (rendered templates) live as long as the loader.
using SourceFiles = std::vector<std::unique_ptr<SourceFile>>;

StepSpec decode_step(const Block& block, AttrReader& reader, SourceFiles& files);
OutputSpec decode_output(const Block& block, AttrReader& reader);

}  // namespace sarga::tmpl
