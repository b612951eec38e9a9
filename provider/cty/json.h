// JSON codec matching go-cty's cty/json (RawState.json, DynamicValue.json).
//
// Encoding: null, strings (escaped like Go's encoding/json, including \u003c \u003e
// \u0026), numbers as exact decimal text, arrays for list/set/tuple, objects with sorted
// keys for map/object, {"value":V,"type":T} where the type says dynamic. Unknown values
// cannot be encoded (EncodeError "value is not known").
// Decoding is lenient like go-cty: missing object attributes become null, numbers and bools
// may be given as strings.
#pragma once

#include <string>
#include <string_view>

#include "provider/cty/error.h"
#include "provider/cty/type.h"
#include "provider/cty/value.h"

namespace sarga::cty {

std::string to_json(const Value& value, const Type& type);

Value from_json(std::string_view json, const Type& type);

struct JsonDecodeOptions {
  // Skip object attributes the type does not have instead of failing: for prior state
  // written by an older schema (UpgradeResourceState), like terraform-plugin-go's
  // IgnoreUndefinedAttributes.
  bool ignore_undefined_attributes = false;
};
Value from_json(std::string_view json, const Type& type, const JsonDecodeOptions& options);

// The type go-cty's json.ImpliedType infers: number, string, bool, dynamic for null,
// tuple for arrays, object for objects. DecodeError on invalid JSON.
Type implied_type_from_json(std::string_view json);

}  // namespace sarga::cty
