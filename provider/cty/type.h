// cty types: the type system OpenTofu uses for schema attributes and values.
//
// A Type is immutable and cheap to copy (one shared pointer). Primitive types are shared
// singletons. Equality is structural; ordering is a deterministic total order (kind first,
// then children) usable as a std::map key.
#pragma once

#include <compare>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sarga::cty {

enum class Kind {
  String,
  Number,
  Bool,
  List,
  Set,
  Map,
  Object,
  Tuple,
  Dynamic,  // DynamicPseudoType: "any type", decided per value
};

// Thrown for invalid type JSON or misuse of the type API (wrong kind accessor).
class TypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Type {
 public:
  using AttributeTypes = std::map<std::string, Type, std::less<>>;
  using OptionalSet = std::set<std::string, std::less<>>;

  Type();  // dynamic

  static Type string();
  static Type number();
  static Type boolean();
  static Type dynamic();
  static Type list(Type element);
  static Type set(Type element);
  static Type map(Type element);
  // Optional attribute names must be attributes of the object (else TypeError). They only
  // matter for type constraints (function parameters); schema types do not use them.
  static Type object(AttributeTypes attributes, OptionalSet optional = {});
  static Type tuple(std::vector<Type> elements);

  Kind kind() const { return kind_; }
  bool is_primitive() const;   // string, number, bool
  bool is_collection() const;  // list, set, map
  bool is_list() const { return kind() == Kind::List; }
  bool is_set() const { return kind() == Kind::Set; }
  bool is_map() const { return kind() == Kind::Map; }
  bool is_object() const { return kind() == Kind::Object; }
  bool is_tuple() const { return kind() == Kind::Tuple; }
  bool is_dynamic() const { return kind() == Kind::Dynamic; }

  // list/set/map only (TypeError otherwise).
  const Type& element_type() const;
  // object only.
  const AttributeTypes& attribute_types() const;
  bool has_attribute(std::string_view name) const;
  const Type& attribute_type(std::string_view name) const;  // TypeError if absent
  const OptionalSet& optional_attributes() const;
  bool is_optional_attribute(std::string_view name) const;
  // tuple only.
  const std::vector<Type>& tuple_element_types() const;

  // True when dynamic appears anywhere inside (or this is dynamic).
  bool has_dynamic() const;
  // True when an object type anywhere inside (or this one) marks optional attributes.
  bool has_optional_markers() const;
  // The same type with every optional-attribute marker removed, recursively.
  Type without_optional_attributes() const;
  // Whether a value of this (concrete) type fits where `want` is expected: dynamic in
  // `want` accepts anything, the rest must match structurally (optional markers ignored).
  bool conforms_to(const Type& want) const;

  // "string", "list of number", "object", "tuple", "dynamic" (as go-cty's FriendlyName).
  std::string friendly_name() const;

  // Type JSON: "string", ["list","string"], ["object",{"a":"number"},["a"]], "dynamic".
  // Object keys are emitted sorted; the optional list only when non-empty.
  std::string to_json() const;
  // Parses type JSON; trailing data or unknown forms raise TypeError.
  static Type from_json(std::string_view json);

  friend bool operator==(const Type& a, const Type& b);
  friend std::strong_ordering operator<=>(const Type& a, const Type& b);

  struct Impl;

 private:
  explicit Type(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
  Kind kind_;  // copy of impl_->kind: the hot question in every codec loop
};

}  // namespace sarga::cty
