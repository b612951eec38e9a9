// msgpack codec matching go-cty's cty/msgpack (the DynamicValue.msgpack wire format).
//
// Encoding follows what go-cty emits: null as nil, unknown as fixext1 type 0 (d4 00 00),
// numbers as the smallest int form when int64-exact, else float64 when exact, else the
// decimal string; objects as maps of every attribute in sorted key order; lists, sets and
// tuples as arrays; a concrete value where the type says dynamic as
// [bin(type JSON), value]. Decoding accepts everything go-cty accepts (any int/float form,
// numbers as strings, any ext as unknown, ext 12 refinements, str or bin type JSON).
#pragma once

#include <string>
#include <string_view>

#include "provider/cty/error.h"
#include "provider/cty/type.h"
#include "provider/cty/value.h"

namespace sarga::cty {

// EncodeError (with the path) when the value does not conform to `type`.
std::string to_msgpack(const Value& value, const Type& type);

// DecodeError (with the path) on malformed input, wrong types, missing or unsupported
// object attributes, or trailing bytes.
Value from_msgpack(std::string_view bytes, const Type& type);

}  // namespace sarga::cty
