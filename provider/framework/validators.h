// Ready-made validators for Attribute::validate(). Each adds an error at the attribute's
// path, so OpenTofu points at the offending HCL line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "provider/framework/schema.h"

namespace sarga::framework::validators {

// String length in characters (UTF-8 code points), inclusive bounds.
Validator string_length(size_t min, size_t max);
// ECMAScript regex that must match the whole string; `what` explains it ("a DNS label").
Validator matches(const std::string& regex, const std::string& what);
Validator one_of(std::vector<std::string> allowed);
// Whole numbers within inclusive bounds.
Validator int_between(int64_t min, int64_t max);
// Absolute path (starts with '/').
Validator absolute_path();
// Element count of a list, set or map, inclusive.
Validator size_between(size_t min, size_t max);

}  // namespace sarga::framework::validators
