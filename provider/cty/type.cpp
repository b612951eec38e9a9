#include "provider/cty/type.h"

#include "provider/cty/json_text.h"

namespace sarga::cty {

struct Type::Impl {
  Kind kind = Kind::Dynamic;
  std::vector<Type> children;  // element type (collections) or tuple element types
  AttributeTypes attributes;
  OptionalSet optional;
  bool has_dynamic = true;
  bool has_optional = false;
};

namespace {

std::shared_ptr<Type::Impl> make_impl(Kind kind) {
  auto impl = std::make_shared<Type::Impl>();
  impl->kind = kind;
  impl->has_dynamic = kind == Kind::Dynamic;
  return impl;
}

const char* kind_word(Kind k) {
  switch (k) {
    case Kind::String: return "string";
    case Kind::Number: return "number";
    case Kind::Bool: return "bool";
    case Kind::List: return "list";
    case Kind::Set: return "set";
    case Kind::Map: return "map";
    case Kind::Object: return "object";
    case Kind::Tuple: return "tuple";
    case Kind::Dynamic: return "dynamic";
  }
  return "?";
}

[[noreturn]] void wrong_kind(const char* what, Kind k) {
  throw TypeError(std::string(what) + " called on a " + kind_word(k) + " type");
}

}  // namespace

Type::Type(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)), kind_(impl_->kind) {}

Type::Type() : Type(dynamic()) {}

Type Type::string() {
  static const Type t(make_impl(Kind::String));
  return t;
}
Type Type::number() {
  static const Type t(make_impl(Kind::Number));
  return t;
}
Type Type::boolean() {
  static const Type t(make_impl(Kind::Bool));
  return t;
}
Type Type::dynamic() {
  static const Type t(make_impl(Kind::Dynamic));
  return t;
}

static std::shared_ptr<Type::Impl> collection_impl(Kind kind, Type element) {
  auto impl = make_impl(kind);
  impl->has_dynamic = element.has_dynamic();
  impl->has_optional = element.has_optional_markers();
  impl->children.push_back(std::move(element));
  return impl;
}

Type Type::list(Type element) { return Type(collection_impl(Kind::List, std::move(element))); }
Type Type::set(Type element) { return Type(collection_impl(Kind::Set, std::move(element))); }
Type Type::map(Type element) { return Type(collection_impl(Kind::Map, std::move(element))); }

Type Type::object(AttributeTypes attributes, OptionalSet optional) {
  for (const auto& name : optional) {
    if (!attributes.count(name)) {
      throw TypeError("optional attribute \"" + name + "\" is not an attribute of the object type");
    }
  }
  auto impl = make_impl(Kind::Object);
  for (const auto& [name, t] : attributes) {
    impl->has_dynamic = impl->has_dynamic || t.has_dynamic();
    impl->has_optional = impl->has_optional || t.has_optional_markers();
  }
  impl->has_optional = impl->has_optional || !optional.empty();
  impl->attributes = std::move(attributes);
  impl->optional = std::move(optional);
  return Type(std::move(impl));
}

Type Type::tuple(std::vector<Type> elements) {
  auto impl = make_impl(Kind::Tuple);
  for (const auto& t : elements) {
    impl->has_dynamic = impl->has_dynamic || t.has_dynamic();
    impl->has_optional = impl->has_optional || t.has_optional_markers();
  }
  impl->children = std::move(elements);
  return Type(std::move(impl));
}

bool Type::is_primitive() const {
  Kind k = kind();
  return k == Kind::String || k == Kind::Number || k == Kind::Bool;
}
bool Type::is_collection() const {
  Kind k = kind();
  return k == Kind::List || k == Kind::Set || k == Kind::Map;
}

const Type& Type::element_type() const {
  if (!is_collection()) wrong_kind("element_type", kind());
  return impl_->children[0];
}
const Type::AttributeTypes& Type::attribute_types() const {
  if (!is_object()) wrong_kind("attribute_types", kind());
  return impl_->attributes;
}
bool Type::has_attribute(std::string_view name) const {
  return attribute_types().find(name) != impl_->attributes.end();
}
const Type& Type::attribute_type(std::string_view name) const {
  auto it = attribute_types().find(name);
  if (it == impl_->attributes.end()) {
    throw TypeError("object type has no attribute \"" + std::string(name) + "\"");
  }
  return it->second;
}
const Type::OptionalSet& Type::optional_attributes() const {
  if (!is_object()) wrong_kind("optional_attributes", kind());
  return impl_->optional;
}
bool Type::is_optional_attribute(std::string_view name) const {
  return optional_attributes().find(name) != impl_->optional.end();
}
const std::vector<Type>& Type::tuple_element_types() const {
  if (!is_tuple()) wrong_kind("tuple_element_types", kind());
  return impl_->children;
}

bool Type::has_dynamic() const { return impl_->has_dynamic; }
bool Type::has_optional_markers() const { return impl_->has_optional; }

Type Type::without_optional_attributes() const {
  switch (kind()) {
    case Kind::List: return list(element_type().without_optional_attributes());
    case Kind::Set: return set(element_type().without_optional_attributes());
    case Kind::Map: return map(element_type().without_optional_attributes());
    case Kind::Object: {
      AttributeTypes attrs;
      for (const auto& [name, t] : impl_->attributes) attrs.emplace(name, t.without_optional_attributes());
      return object(std::move(attrs));
    }
    case Kind::Tuple: {
      std::vector<Type> elems;
      for (const auto& t : impl_->children) elems.push_back(t.without_optional_attributes());
      return tuple(std::move(elems));
    }
    default: return *this;
  }
}

bool Type::conforms_to(const Type& want) const {
  if (impl_ == want.impl_ || want.is_dynamic()) return true;
  if (kind() != want.kind()) return false;
  switch (kind()) {
    case Kind::List:
    case Kind::Set:
    case Kind::Map:
      return impl_->children[0].conforms_to(want.impl_->children[0]);
    case Kind::Object: {
      const auto& a = impl_->attributes;
      const auto& b = want.impl_->attributes;
      if (a.size() != b.size()) return false;
      for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia->first != ib->first || !ia->second.conforms_to(ib->second)) return false;
      }
      return true;
    }
    case Kind::Tuple: {
      const auto& a = impl_->children;
      const auto& b = want.impl_->children;
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].conforms_to(b[i])) return false;
      }
      return true;
    }
    default:
      return true;  // same primitive kind
  }
}

std::string Type::friendly_name() const {
  switch (kind()) {
    case Kind::List: return "list of " + element_type().friendly_name();
    case Kind::Set: return "set of " + element_type().friendly_name();
    case Kind::Map: return "map of " + element_type().friendly_name();
    default: return kind_word(kind());
  }
}

static void append_type_json(std::string& out, const Type& t) {
  switch (t.kind()) {
    case Kind::List:
    case Kind::Set:
    case Kind::Map:
      out += "[\"";
      out += kind_word(t.kind());
      out += "\",";
      append_type_json(out, t.element_type());
      out += ']';
      return;
    case Kind::Object: {
      out += "[\"object\",{";
      bool first = true;
      for (const auto& [name, at] : t.attribute_types()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, name);
        out += ':';
        append_type_json(out, at);
      }
      out += '}';
      if (!t.optional_attributes().empty()) {
        out += ",[";
        first = true;
        for (const auto& name : t.optional_attributes()) {
          if (!first) out += ',';
          first = false;
          append_json_string(out, name);
        }
        out += ']';
      }
      out += ']';
      return;
    }
    case Kind::Tuple: {
      out += "[\"tuple\",[";
      bool first = true;
      for (const auto& et : t.tuple_element_types()) {
        if (!first) out += ',';
        first = false;
        append_type_json(out, et);
      }
      out += "]]";
      return;
    }
    default:
      out += '"';
      out += kind_word(t.kind());
      out += '"';
  }
}

std::string Type::to_json() const {
  std::string out;
  append_type_json(out, *this);
  return out;
}

static Type type_from_node(const JsonNode& node) {
  using K = JsonNode::Kind;
  if (node.kind == K::String) {
    if (node.text == "string") return Type::string();
    if (node.text == "number") return Type::number();
    if (node.text == "bool") return Type::boolean();
    if (node.text == "dynamic") return Type::dynamic();
    throw TypeError("invalid type JSON: unknown primitive type \"" + node.text + "\"");
  }
  if (node.kind != K::Array || node.items.empty() || node.items[0].kind != K::String) {
    throw TypeError("invalid type JSON: expected a type name string or an array starting with a type kind");
  }
  const std::string& k = node.items[0].text;
  const auto& items = node.items;
  if (k == "list" || k == "set" || k == "map") {
    if (items.size() != 2) throw TypeError("invalid type JSON: " + k + " needs exactly one element type");
    Type et = type_from_node(items[1]);
    return k == "list" ? Type::list(et) : k == "set" ? Type::set(et) : Type::map(et);
  }
  if (k == "object") {
    if (items.size() != 2 && items.size() != 3) {
      throw TypeError("invalid type JSON: object needs an attribute map and optionally a list of optional attributes");
    }
    if (items[1].kind != K::Object) throw TypeError("invalid type JSON: object attributes must be a JSON object");
    Type::AttributeTypes attrs;
    for (const auto& [name, sub] : items[1].members) {
      if (!attrs.emplace(name, type_from_node(sub)).second) {
        throw TypeError("invalid type JSON: duplicate object attribute \"" + name + "\"");
      }
    }
    Type::OptionalSet optional;
    if (items.size() == 3) {
      if (items[2].kind != K::Array) throw TypeError("invalid type JSON: optional attributes must be an array");
      for (const auto& n : items[2].items) {
        if (n.kind != K::String) throw TypeError("invalid type JSON: optional attribute names must be strings");
        optional.insert(n.text);
      }
    }
    return Type::object(std::move(attrs), std::move(optional));
  }
  if (k == "tuple") {
    if (items.size() != 2 || items[1].kind != K::Array) {
      throw TypeError("invalid type JSON: tuple needs an array of element types");
    }
    std::vector<Type> elems;
    for (const auto& sub : items[1].items) elems.push_back(type_from_node(sub));
    return Type::tuple(std::move(elems));
  }
  throw TypeError("invalid type JSON: unknown type kind \"" + k + "\"");
}

Type Type::from_json(std::string_view json) {
  JsonNode node;
  try {
    node = parse_json(json);
  } catch (const JsonSyntaxError& e) {
    throw TypeError(std::string("invalid type JSON: ") + e.what());
  }
  return type_from_node(node);
}

bool operator==(const Type& a, const Type& b) { return (a <=> b) == 0; }

std::strong_ordering operator<=>(const Type& a, const Type& b) {
  if (a.impl_ == b.impl_) return std::strong_ordering::equal;
  if (auto c = a.kind() <=> b.kind(); c != 0) return c;
  const auto& x = *a.impl_;
  const auto& y = *b.impl_;
  switch (a.kind()) {
    case Kind::List:
    case Kind::Set:
    case Kind::Map:
    case Kind::Tuple: {
      if (auto c = x.children.size() <=> y.children.size(); c != 0) return c;
      for (size_t i = 0; i < x.children.size(); ++i) {
        if (auto c = x.children[i] <=> y.children[i]; c != 0) return c;
      }
      return std::strong_ordering::equal;
    }
    case Kind::Object: {
      if (auto c = x.attributes.size() <=> y.attributes.size(); c != 0) return c;
      for (auto ia = x.attributes.begin(), ib = y.attributes.begin(); ia != x.attributes.end(); ++ia, ++ib) {
        if (auto c = ia->first <=> ib->first; c != 0) return c;
        if (auto c = ia->second <=> ib->second; c != 0) return c;
      }
      return x.optional <=> y.optional;
    }
    default:
      return std::strong_ordering::equal;
  }
}

}  // namespace sarga::cty
