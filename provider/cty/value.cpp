#include "provider/cty/value.h"

#include <algorithm>
#include <variant>

#include "provider/cty/json_text.h"
#include "provider/cty/nfc.h"
#include "provider/cty/value_internal.h"

namespace sarga::cty {

using internal::State;

namespace {

std::shared_ptr<Value::Impl> make(Type type, State state) {
  auto impl = std::make_shared<Value::Impl>();
  impl->type = std::move(type);
  impl->state = state;
  impl->wholly_known = state != State::Unknown;
  return impl;
}

bool all_wholly_known(const Value::Elements& elems) {
  for (const auto& e : elems) {
    if (!e.is_wholly_known()) return false;
  }
  return true;
}

bool all_wholly_known(const Value::MapElements& elems) {
  for (const auto& [k, e] : elems) {
    if (!e.is_wholly_known()) return false;
  }
  return true;
}

template <typename Range, typename Get>
Type common_element_type(const Type& element_type, const Range& elems, Get get, const char* what) {
  auto it = elems.begin();
  if (it == elems.end()) return element_type;
  const Type& first = get(*it).type();
  for (; it != elems.end(); ++it) {
    const Type& t = get(*it).type();
    if (t != first) {
      throw ValueError(std::string("inconsistent ") + what + " element types: " + first.friendly_name() +
                       " and " + t.friendly_name());
    }
  }
  if (!first.conforms_to(element_type)) {
    throw ValueError(std::string(what) + " element type " + first.friendly_name() +
                     " does not conform to " + element_type.friendly_name());
  }
  return first;
}

const Value& self(const Value& v) { return v; }
const Value& second(const std::pair<const std::string, Value>& p) { return p.second; }

// Sorts into canonical order and merges equal wholly-known elements.
void canonicalize_set(Value::Elements& elems) {
  std::sort(elems.begin(), elems.end(), [](const Value& a, const Value& b) { return (a <=> b) < 0; });
  auto out = elems.begin();
  for (auto it = elems.begin(); it != elems.end(); ++it) {
    if (out != elems.begin()) {
      const Value& prev = *(out - 1);
      if (prev.is_wholly_known() && it->is_wholly_known() && prev == *it) continue;
    }
    if (out != it) *out = std::move(*it);
    ++out;
  }
  elems.erase(out, elems.end());
}

[[noreturn]] void wrong(const Value& v, const char* wanted) {
  std::string state = v.is_null() ? "null " : !v.is_known() ? "unknown " : "";
  throw ValueError(std::string("expected a known ") + wanted + " value, got " + state +
                   v.type().friendly_name());
}

}  // namespace

Value::Value() : Value(null(Type::dynamic())) {}  // shared, no allocation

namespace {

// Shared null/unknown values of the primitive and dynamic types: decoding meets them often.
struct CachedStates {
  std::shared_ptr<const Value::Impl> null[4];
  std::shared_ptr<const Value::Impl> unknown[4];
  CachedStates() {
    const Type types[4] = {Type::string(), Type::number(), Type::boolean(), Type::dynamic()};
    for (int i = 0; i < 4; ++i) {
      null[i] = make(types[i], State::Null);
      unknown[i] = make(types[i], State::Unknown);
    }
  }
  static int slot(const Type& t) {
    switch (t.kind()) {
      case Kind::String: return 0;
      case Kind::Number: return 1;
      case Kind::Bool: return 2;
      case Kind::Dynamic: return 3;
      default: return -1;
    }
  }
};

const CachedStates& cached_states() {
  static const CachedStates c;
  return c;
}

}  // namespace

Value Value::null(Type type) {
  if (int i = CachedStates::slot(type); i >= 0) return Value(cached_states().null[i]);
  return Value(make(std::move(type), State::Null));
}
Value Value::unknown(Type type) {
  if (int i = CachedStates::slot(type); i >= 0) return Value(cached_states().unknown[i]);
  return Value(make(std::move(type), State::Unknown));
}

Value Value::string(std::string s) {
  auto impl = make(Type::string(), State::Known);
  impl->data = normalize_nfc(std::move(s));
  return Value(std::move(impl));
}

Value Value::number(Number n) {
  auto impl = make(Type::number(), State::Known);
  impl->data = std::move(n);
  return Value(std::move(impl));
}
Value Value::number_int(int64_t v) { return number(Number::from_int64(v)); }
Value Value::number_uint(uint64_t v) { return number(Number::from_uint64(v)); }
Value Value::number_float(double v) {
  try {
    return number(Number::from_double(v));
  } catch (const NumberError& e) {
    throw ValueError(e.what());
  }
}
Value Value::number_parse(std::string_view text) {
  try {
    return number(Number::parse(text));
  } catch (const NumberError& e) {
    throw ValueError(e.what());
  }
}

Value Value::boolean(bool b) {
  static const std::shared_ptr<const Impl> values[2] = {
      [] {
        auto impl = make(Type::boolean(), State::Known);
        impl->data = false;
        return impl;
      }(),
      [] {
        auto impl = make(Type::boolean(), State::Known);
        impl->data = true;
        return impl;
      }()};
  return Value(values[b ? 1 : 0]);
}

Value Value::list(Type element_type, Elements elements) {
  Type et = common_element_type(element_type, elements, self, "list");
  return internal::list_with_type(Type::list(std::move(et)), std::move(elements));
}
Value Value::list(Elements elements) {
  if (elements.empty()) throw ValueError("Value::list without an element type needs at least one element");
  Type et = elements[0].type();
  return list(std::move(et), std::move(elements));
}

Value Value::set(Type element_type, Elements elements) {
  Type et = common_element_type(element_type, elements, self, "set");
  return internal::set_with_type(Type::set(std::move(et)), std::move(elements));
}
Value Value::set(Elements elements) {
  if (elements.empty()) throw ValueError("Value::set without an element type needs at least one element");
  Type et = elements[0].type();
  return set(std::move(et), std::move(elements));
}

Value Value::map(Type element_type, MapElements elements) {
  Type et = common_element_type(element_type, elements, second, "map");
  return internal::map_with_type(Type::map(std::move(et)), std::move(elements));
}
Value Value::map(MapElements elements) {
  if (elements.empty()) throw ValueError("Value::map without an element type needs at least one element");
  Type et = elements.begin()->second.type();
  return map(std::move(et), std::move(elements));
}

Value Value::object(Attributes attributes) {
  Type::AttributeTypes types;
  for (const auto& [name, v] : attributes) types.emplace_hint(types.end(), name, v.type());
  return internal::object_with_type(Type::object(std::move(types)), std::move(attributes));
}
Value Value::empty_object() {
  static const Value v = object({});
  return v;
}

Value Value::tuple(Elements elements) {
  std::vector<Type> types;
  types.reserve(elements.size());
  for (const auto& e : elements) types.push_back(e.type());
  auto impl = make(Type::tuple(std::move(types)), State::Known);
  impl->wholly_known = all_wholly_known(elements);
  impl->data = std::move(elements);
  return Value(std::move(impl));
}

namespace internal {


Value object_with_type(Type type, Value::Attributes attributes) {
  auto impl = make(std::move(type), State::Known);
  impl->wholly_known = all_wholly_known(attributes);
  impl->data = std::move(attributes);
  return ValueFactory::wrap(std::move(impl));
}

Value list_with_type(Type type, Value::Elements elements) {
  auto impl = make(std::move(type), State::Known);
  impl->wholly_known = all_wholly_known(elements);
  impl->data = std::move(elements);
  return ValueFactory::wrap(std::move(impl));
}

Value set_with_type(Type type, Value::Elements elements) {
  canonicalize_set(elements);
  return list_with_type(std::move(type), std::move(elements));
}

Value map_with_type(Type type, Value::MapElements elements) {
  auto impl = make(std::move(type), State::Known);
  impl->wholly_known = all_wholly_known(elements);
  impl->data = std::move(elements);
  return ValueFactory::wrap(std::move(impl));
}

}  // namespace internal

const Type& Value::type() const { return impl_->type; }
bool Value::is_null() const { return impl_->state == State::Null; }
bool Value::is_known() const { return impl_->state != State::Unknown; }
bool Value::is_wholly_known() const { return impl_->wholly_known; }

const std::string& Value::as_string() const {
  if (impl_->state != State::Known || impl_->type.kind() != Kind::String) wrong(*this, "string");
  return std::get<std::string>(impl_->data);
}
bool Value::as_bool() const {
  if (impl_->state != State::Known || impl_->type.kind() != Kind::Bool) wrong(*this, "bool");
  return std::get<bool>(impl_->data);
}
const Number& Value::as_number() const {
  if (impl_->state != State::Known || impl_->type.kind() != Kind::Number) wrong(*this, "number");
  return std::get<Number>(impl_->data);
}
int64_t Value::as_int64() const {
  auto v = as_number().to_int64();
  if (!v) throw ValueError("number " + as_number().to_string() + " is not a whole number in int64 range");
  return *v;
}
double Value::as_double() const { return as_number().to_double(); }

const Value::Elements& Value::elements() const {
  Kind k = impl_->type.kind();
  if (impl_->state != State::Known || !(k == Kind::List || k == Kind::Set || k == Kind::Tuple)) {
    wrong(*this, "list, set or tuple");
  }
  return std::get<Elements>(impl_->data);
}
const Value::MapElements& Value::map_elements() const {
  if (impl_->state != State::Known || impl_->type.kind() != Kind::Map) wrong(*this, "map");
  return std::get<MapElements>(impl_->data);
}
const Value::Attributes& Value::attributes() const {
  if (impl_->state != State::Known || impl_->type.kind() != Kind::Object) wrong(*this, "object");
  return std::get<MapElements>(impl_->data);
}

size_t Value::length() const {
  if (impl_->state == State::Known) {
    if (auto* e = std::get_if<Elements>(&impl_->data)) return e->size();
    if (auto* m = std::get_if<MapElements>(&impl_->data)) return m->size();
  }
  wrong(*this, "collection, object or tuple");
}

Value Value::element(size_t index) const {
  Kind k = impl_->type.kind();
  if (k != Kind::List && k != Kind::Tuple) wrong(*this, "list or tuple");
  const auto& e = elements();
  if (index >= e.size()) {
    throw ValueError("index " + std::to_string(index) + " out of range (length " + std::to_string(e.size()) + ")");
  }
  return e[index];
}

const Value* Value::find_map_element(std::string_view key) const {
  const auto& m = map_elements();
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}
Value Value::map_element(std::string_view key) const {
  if (const Value* v = find_map_element(key)) return *v;
  throw ValueError("map has no element \"" + std::string(key) + "\"");
}

const Value* Value::find_attribute(std::string_view name) const {
  const auto& m = attributes();
  auto it = m.find(name);
  return it == m.end() ? nullptr : &it->second;
}
Value Value::attribute(std::string_view name) const {
  if (const Value* v = find_attribute(name)) return *v;
  throw ValueError("object has no attribute \"" + std::string(name) + "\"");
}

std::optional<Value> Value::at(const Path& path) const {
  Value cur = *this;
  for (const PathStep& step : path.steps()) {
    if (!cur.is_known() || cur.is_null()) return std::nullopt;
    Kind k = cur.type().kind();
    switch (step.kind) {
      case PathStep::Kind::Attribute: {
        if (k != Kind::Object) return std::nullopt;
        const Value* v = cur.find_attribute(step.name);
        if (!v) return std::nullopt;
        cur = *v;
        break;
      }
      case PathStep::Kind::ElementKeyString: {
        if (k != Kind::Map) return std::nullopt;
        const Value* v = cur.find_map_element(step.name);
        if (!v) return std::nullopt;
        cur = *v;
        break;
      }
      case PathStep::Kind::ElementKeyInt: {
        if (k != Kind::List && k != Kind::Tuple) return std::nullopt;
        const auto& e = cur.elements();
        if (step.index < 0 || static_cast<size_t>(step.index) >= e.size()) return std::nullopt;
        cur = e[static_cast<size_t>(step.index)];
        break;
      }
    }
  }
  return cur;
}

static void append_debug(std::string& out, const Value& v) {
  if (!v.is_known()) {
    out += "(unknown " + v.type().friendly_name() + ")";
    return;
  }
  if (v.is_null()) {
    out += "null";
    return;
  }
  switch (v.type().kind()) {
    case Kind::String: append_json_string(out, v.as_string()); return;
    case Kind::Number: out += v.as_number().to_string(); return;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Kind::List:
    case Kind::Set:
    case Kind::Tuple: {
      out += v.type().is_set() ? "set[" : "[";
      bool first = true;
      for (const auto& e : v.elements()) {
        if (!first) out += ", ";
        first = false;
        append_debug(out, e);
      }
      out += ']';
      return;
    }
    case Kind::Map:
    case Kind::Object: {
      out += '{';
      bool first = true;
      const auto& m = v.type().is_map() ? v.map_elements() : v.attributes();
      for (const auto& [k, e] : m) {
        if (!first) out += ", ";
        first = false;
        append_json_string(out, k);
        out += " = ";
        append_debug(out, e);
      }
      out += '}';
      return;
    }
    case Kind::Dynamic: out += "?"; return;
  }
}

std::string Value::debug_string() const {
  std::string out;
  append_debug(out, *this);
  return out;
}

bool operator==(const Value& a, const Value& b) {
  if (a.impl_ == b.impl_) return true;
  if (a.impl_->state != b.impl_->state || a.impl_->wholly_known != b.impl_->wholly_known) return false;
  return (a <=> b) == 0;
}

std::strong_ordering operator<=>(const Value& a, const Value& b) {
  if (a.impl_ == b.impl_) return std::strong_ordering::equal;
  const auto& x = *a.impl_;
  const auto& y = *b.impl_;
  if (auto c = x.type <=> y.type; c != 0) return c;
  if (auto c = x.state <=> y.state; c != 0) return c;
  if (x.state != State::Known) return std::strong_ordering::equal;
  switch (x.type.kind()) {
    case Kind::String: return std::get<std::string>(x.data) <=> std::get<std::string>(y.data);
    case Kind::Number: return std::get<Number>(x.data) <=> std::get<Number>(y.data);
    case Kind::Bool: return std::get<bool>(x.data) <=> std::get<bool>(y.data);
    case Kind::List:
    case Kind::Set:
    case Kind::Tuple: {
      const auto& ex = std::get<Value::Elements>(x.data);
      const auto& ey = std::get<Value::Elements>(y.data);
      for (size_t i = 0; i < ex.size() && i < ey.size(); ++i) {
        if (auto c = ex[i] <=> ey[i]; c != 0) return c;
      }
      return ex.size() <=> ey.size();
    }
    case Kind::Map:
    case Kind::Object: {
      const auto& mx = std::get<Value::MapElements>(x.data);
      const auto& my = std::get<Value::MapElements>(y.data);
      auto ix = mx.begin();
      auto iy = my.begin();
      for (; ix != mx.end() && iy != my.end(); ++ix, ++iy) {
        if (auto c = ix->first <=> iy->first; c != 0) return c;
        if (auto c = ix->second <=> iy->second; c != 0) return c;
      }
      return mx.size() <=> my.size();
    }
    case Kind::Dynamic: return std::strong_ordering::equal;
  }
  return std::strong_ordering::equal;
}

// --- walk / transform ---

static bool walk_rec(Path& path, const Value& v, const std::function<bool(const Path&, const Value&)>& visit) {
  if (!visit(path, v)) return true;
  if (!v.is_known() || v.is_null()) return true;
  switch (v.type().kind()) {
    case Kind::List:
    case Kind::Set:
    case Kind::Tuple: {
      int64_t i = 0;
      for (const auto& e : v.elements()) {
        path.push_index(i++);
        walk_rec(path, e, visit);
        path.pop();
      }
      break;
    }
    case Kind::Map:
      for (const auto& [k, e] : v.map_elements()) {
        path.push_key(k);
        walk_rec(path, e, visit);
        path.pop();
      }
      break;
    case Kind::Object:
      for (const auto& [k, e] : v.attributes()) {
        path.push_attribute(k);
        walk_rec(path, e, visit);
        path.pop();
      }
      break;
    default: break;
  }
  return true;
}

void walk(const Value& value, const std::function<bool(const Path&, const Value&)>& visit) {
  Path path;
  walk_rec(path, value, visit);
}

static Value transform_rec(Path& path, const Value& v,
                           const std::function<Value(const Path&, const Value&)>& fn) {
  if (!v.is_known() || v.is_null()) return fn(path, v);
  const Type& t = v.type();
  switch (t.kind()) {
    case Kind::List:
    case Kind::Set:
    case Kind::Tuple: {
      Value::Elements out;
      out.reserve(v.elements().size());
      int64_t i = 0;
      for (const auto& e : v.elements()) {
        path.push_index(i++);
        out.push_back(transform_rec(path, e, fn));
        path.pop();
      }
      Value rebuilt = t.is_tuple() ? Value::tuple(std::move(out))
                      : t.is_set() ? Value::set(t.element_type(), std::move(out))
                                   : Value::list(t.element_type(), std::move(out));
      return fn(path, rebuilt);
    }
    case Kind::Map:
    case Kind::Object: {
      Value::MapElements out;
      const auto& m = t.is_map() ? v.map_elements() : v.attributes();
      for (const auto& [k, e] : m) {
        if (t.is_map()) path.push_key(k);
        else path.push_attribute(k);
        out.emplace_hint(out.end(), k, transform_rec(path, e, fn));
        path.pop();
      }
      Value rebuilt = t.is_map() ? Value::map(t.element_type(), std::move(out)) : Value::object(std::move(out));
      return fn(path, rebuilt);
    }
    default:
      return fn(path, v);
  }
}

Value transform(const Value& value, const std::function<Value(const Path&, const Value&)>& fn) {
  Path path;
  return transform_rec(path, value, fn);
}

}  // namespace sarga::cty
