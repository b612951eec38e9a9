// cty values: immutable, cheap to copy (one shared pointer), typed.
//
// A value is null (typed), unknown (typed; refinements from the wire are accepted and
// dropped) or known. Known values always have a concrete type: the type of a collection,
// object or tuple is derived from its contents the way go-cty does it, so an object decoded
// against {x: dynamic} with x = "a" has type object({x: string}). Only null and unknown
// values can have the dynamic type.
//
// Sets are kept sorted in a canonical order; elements that are wholly known and equal are
// merged, elements containing unknowns are kept (as in go-cty, unknowns never coalesce).
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "provider/cty/error.h"
#include "provider/cty/number.h"
#include "provider/cty/path.h"
#include "provider/cty/sorted_map.h"
#include "provider/cty/type.h"

namespace sarga::cty {

namespace internal {
struct ValueFactory;
}

// Misuse of the value API: wrong-kind accessor, reading an unknown or null, mixed
// element types. (Codec input problems are DecodeError instead.)
class ValueError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class Value {
 public:
  using Elements = std::vector<Value>;                          // list, set, tuple
  // Sorted by key; the std::map operations code needs (see sorted_map.h).
  using MapElements = SortedMap<Value>;  // map
  using Attributes = SortedMap<Value>;   // object

  Value();  // null of the dynamic type

  // --- constructors ---
  static Value null(Type type);
  static Value unknown(Type type);
  static Value string(std::string s);
  static Value number(Number n);
  static Value number_int(int64_t v);
  static Value number_uint(uint64_t v);
  static Value number_float(double v);           // ValueError for NaN
  static Value number_parse(std::string_view decimal_text);  // ValueError if invalid
  static Value boolean(bool b);
  // Collections: elements must all have the same type, which must conform to element_type;
  // the value's element type is that common type (or element_type when empty).
  static Value list(Type element_type, Elements elements);
  static Value list(Elements elements);  // non-empty
  static Value set(Type element_type, Elements elements);
  static Value set(Elements elements);   // non-empty
  static Value map(Type element_type, MapElements elements);
  static Value map(MapElements elements);  // non-empty
  static Value object(Attributes attributes);
  static Value empty_object();
  static Value tuple(Elements elements);

  // --- queries ---
  const Type& type() const;
  bool is_null() const;
  bool is_known() const;
  bool is_wholly_known() const;  // known, and so is everything inside

  // Accessors throw ValueError unless the value is known, not null and of the right kind.
  const std::string& as_string() const;
  bool as_bool() const;
  const Number& as_number() const;
  int64_t as_int64() const;  // ValueError unless an exact int64
  double as_double() const;  // nearest double
  const Elements& elements() const;       // list, set, tuple
  const MapElements& map_elements() const;  // map
  const Attributes& attributes() const;     // object
  size_t length() const;                    // list, set, tuple, map, object

  Value element(size_t index) const;            // list, tuple (ValueError when out of range)
  Value map_element(std::string_view key) const;  // map (ValueError when absent)
  const Value* find_map_element(std::string_view key) const;
  Value attribute(std::string_view name) const;  // object (ValueError when absent)
  const Value* find_attribute(std::string_view name) const;

  // Follows attribute, map-key and list/tuple-index steps; nullopt when a step does not
  // apply (missing attribute, null or unknown on the way, index out of range).
  std::optional<Value> at(const Path& path) const;

  // Human-readable form for tests and logs: {"a" = "x", "n" = 5, "u" = (unknown string)}.
  std::string debug_string() const;

  // Raw structural equality: same type, same null/unknown state, same contents
  // (two unknowns of the same type are equal here).
  friend bool operator==(const Value& a, const Value& b);
  // Deterministic total order (the canonical set order).
  friend std::strong_ordering operator<=>(const Value& a, const Value& b);
  friend std::ostream& operator<<(std::ostream& os, const Value& v) {
    return os << v.debug_string();
  }

  struct Impl;

 private:
  friend struct internal::ValueFactory;
  explicit Value(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Pre-order walk. `visit` returns false to skip the children of that value. Set elements
// get an int step (their canonical position).
void walk(const Value& value, const std::function<bool(const Path&, const Value&)>& visit);

// Post-order rebuild: children are transformed first, then `fn` gets the rebuilt value and
// returns its replacement. The result must keep types consistent within collections.
Value transform(const Value& value, const std::function<Value(const Path&, const Value&)>& fn);

}  // namespace sarga::cty
