// The property the msgpack fuzzer checks, shared with the unit test that replays the seed
// corpus: byte 0 picks a type, the rest is msgpack. Whatever decodes must re-encode, decode
// again to an equal value and re-encode to the same bytes; wholly known values must also
// survive JSON (after one normalising round).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "provider/cty/json.h"
#include "provider/cty/msgpack.h"

namespace sarga::cty::fuzzing {

inline const std::vector<Type>& fuzz_types() {
  static const std::vector<Type> types = [] {
    Type nested = Type::object({{"name", Type::string()}, {"size", Type::number()}, {"on", Type::boolean()}});
    return std::vector<Type>{
        Type::dynamic(),
        Type::string(),
        Type::number(),
        Type::list(Type::string()),
        Type::set(Type::number()),
        Type::map(Type::dynamic()),
        Type::object({{"a", Type::string()},
                      {"b", Type::list(nested)},
                      {"c", Type::set(nested)},
                      {"d", Type::dynamic()},
                      {"e", Type::map(Type::number())},
                      {"f", Type::tuple({Type::boolean(), Type::number()})}}),
    };
  }();
  return types;
}

inline bool has_infinity(const Value& v) {
  bool found = false;
  walk(v, [&](const Path&, const Value& x) {
    if (x.is_known() && !x.is_null() && x.type().kind() == Kind::Number && x.as_number().is_infinity()) found = true;
    return !found;
  });
  return found;
}

enum class Outcome { Rejected, RoundTripped };

// Returns Rejected when the input is not valid for the chosen type; returns the failure
// text through `why` (and RoundTripped = false) when the property is broken.
inline bool check_round_trip(std::string_view input, Outcome* outcome, std::string* why) {
  *outcome = Outcome::Rejected;
  if (input.empty()) return true;
  const Type& type = fuzz_types()[static_cast<uint8_t>(input[0]) % fuzz_types().size()];
  Value v;
  try {
    v = from_msgpack(input.substr(1), type);
  } catch (const DecodeError&) {
    return true;
  }
  *outcome = Outcome::RoundTripped;
  std::string encoded = to_msgpack(v, type);
  Value again = from_msgpack(encoded, type);
  if (!(again == v)) {
    *why = "decode(encode(v)) != v for " + v.debug_string();
    return false;
  }
  if (to_msgpack(again, type) != encoded) {
    *why = "second encoding differs for " + v.debug_string();
    return false;
  }
  if (v.is_wholly_known()) {
    // Infinity is written as +Inf/-Inf like go-cty does, which is not JSON.
    std::string json = to_json(v, type);
    try {
      // One JSON round trip may normalise (invalid UTF-8 becomes U+FFFD, float64 values
      // become their shortest decimal text); after that it must be stable.
      Value once = from_json(json, type);
      std::string json2 = to_json(once, type);
      Value twice = from_json(json2, type);
      if (!(twice == once) || to_json(twice, type) != json2) {
        *why = "JSON round trip unstable for " + json;
        return false;
      }
    } catch (const DecodeError& e) {
      if (!has_infinity(v)) {
        *why = std::string("JSON did not decode: ") + e.what() + " in " + json;
        return false;
      }
    }
  }
  return true;
}

// The JSON fuzzer's property: byte 0 picks a type, the rest is JSON. Whatever decodes must
// encode, that text must decode and encode to the same text again, and the value must also
// survive msgpack (JSON cannot hold unknowns).
inline bool check_json_round_trip(std::string_view input, Outcome* outcome, std::string* why) {
  *outcome = Outcome::Rejected;
  if (input.empty()) return true;
  const Type& type = fuzz_types()[static_cast<uint8_t>(input[0]) % fuzz_types().size()];
  std::string_view text = input.substr(1);
  Value v;
  try {
    v = from_json(text, type);
    (void)implied_type_from_json(text);
  } catch (const DecodeError&) {
    return true;
  }
  *outcome = Outcome::RoundTripped;
  if (!(from_msgpack(to_msgpack(v, type), type) == v)) {
    *why = "msgpack round trip changed " + v.debug_string();
    return false;
  }
  if (has_infinity(v)) return true;  // written as +Inf like go-cty: not JSON
  std::string json = to_json(v, type);
  Value again = from_json(json, type);
  std::string json2 = to_json(again, type);
  Value third = from_json(json2, type);
  if (!(third == again) || to_json(third, type) != json2) {
    *why = "JSON round trip unstable for " + json;
    return false;
  }
  return true;
}

}  // namespace sarga::cty::fuzzing
