// Internal constructors for the codecs: skip checks the decoder has already made.
#pragma once

#include <variant>

#include "provider/cty/value.h"

namespace sarga::cty {

namespace internal {
enum class State : uint8_t { Unknown, Null, Known };
}

struct Value::Impl {
  Type type;
  internal::State state = internal::State::Null;
  bool wholly_known = true;
  std::variant<std::monostate, std::string, Number, bool, Elements, MapElements> data;
};

namespace internal {

struct ValueFactory {
  static Value wrap(std::shared_ptr<const Value::Impl> impl) { return Value(std::move(impl)); }
  static const Value::Impl& impl(const Value& v) { return *v.impl_; }
};

// Direct field access for the codecs' hot loops (no out-of-line calls, one dereference).
inline const Value::Impl& impl(const Value& v) { return ValueFactory::impl(v); }

// `type` must be the exact concrete type of the result (no optional markers, no dynamic
// where the attribute values are concrete); used when the decoder knows it already.
Value object_with_type(Type type, Value::Attributes attributes);
Value list_with_type(Type type, Value::Elements elements);
Value map_with_type(Type type, Value::MapElements elements);
Value set_with_type(Type type, Value::Elements elements);

// Whether decoded values of `t` can reuse `t` itself as their type.
inline bool is_exact_value_type(const Type& t) {
  return !t.has_dynamic() && !t.has_optional_markers();
}

}  // namespace internal
}  // namespace sarga::cty
