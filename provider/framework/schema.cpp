#include "provider/framework/schema.h"

#include <set>

#include "provider/framework/model.h"

namespace sarga::framework {

Attribute Attribute::of(std::string name, cty::Type type) {
  Attribute a;
  a.name = std::move(name);
  a.type = std::move(type);
  return a;
}

Attribute Attribute::list_of(std::string name, cty::Type element) {
  return of(std::move(name), cty::Type::list(std::move(element)));
}

Attribute Attribute::set_of(std::string name, cty::Type element) {
  return of(std::move(name), cty::Type::set(std::move(element)));
}

Attribute Attribute::map_of(std::string name, cty::Type element) {
  return of(std::move(name), cty::Type::map(std::move(element)));
}

Attribute Attribute::nested(std::string name, Nesting nesting, std::vector<Attribute> attributes) {
  Attribute a;
  a.name = std::move(name);
  a.nested_type = std::make_shared<NestedAttributes>(NestedAttributes{nesting, std::move(attributes)});
  return a;
}

Attribute& Attribute::default_value(cty::Value value) {
  default_val = std::move(value);
  return *this;
}

Attribute& Attribute::validate(Validator validator) {
  validators.push_back(std::move(validator));
  return *this;
}

namespace {

cty::Type object_of(const std::vector<Attribute>& attributes) {
  cty::Type::AttributeTypes types;
  for (const auto& a : attributes) types.emplace(a.name, a.value_type());
  return cty::Type::object(std::move(types));
}

}  // namespace

cty::Type Attribute::value_type() const {
  if (!nested_type) return type.without_optional_attributes();
  cty::Type object = object_of(nested_type->attributes);
  switch (nested_type->nesting) {
    case Nesting::List:
      return object.has_dynamic() ? cty::Type::dynamic() : cty::Type::list(object);
    case Nesting::Set:
      return cty::Type::set(object);
    case Nesting::Map:
      return object.has_dynamic() ? cty::Type::dynamic() : cty::Type::map(object);
    case Nesting::Single:
    case Nesting::Group:
      return object;
  }
  return object;
}

const Attribute* Block::find_attribute(std::string_view name) const {
  for (const auto& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const NestedBlock* Block::find_block(std::string_view name) const {
  for (const auto& b : blocks) {
    if (b.type_name == name) return &b;
  }
  return nullptr;
}

cty::Type Block::implied_type() const {
  cty::Type::AttributeTypes types;
  for (const auto& a : attributes) types.emplace(a.name, a.value_type());
  for (const auto& b : blocks) types.emplace(b.type_name, b.value_type());
  return cty::Type::object(std::move(types));
}

NestedBlock& NestedBlock::validate(Validator validator) {
  validators.push_back(std::move(validator));
  return *this;
}

cty::Type NestedBlock::value_type() const {
  cty::Type object = block.implied_type();
  switch (nesting) {
    case Nesting::List:
      // OpenTofu decodes list blocks holding dynamic attributes as tuples (type dynamic).
      return object.has_dynamic() ? cty::Type::dynamic() : cty::Type::list(object);
    case Nesting::Set:
      return cty::Type::set(object);
    case Nesting::Map:
      return object.has_dynamic() ? cty::Type::dynamic() : cty::Type::map(object);
    case Nesting::Single:
    case Nesting::Group:
      return object;
  }
  return object;
}

namespace {

cty::Value null_block(const Block& block) {
  cty::Value::Attributes attrs;
  for (const auto& a : block.attributes) attrs.emplace(a.name, cty::Value::null(a.value_type()));
  for (const auto& b : block.blocks) {
    cty::Type t = b.value_type();
    switch (b.nesting) {
      case Nesting::Single:
        attrs.emplace(b.type_name, cty::Value::null(t));
        break;
      case Nesting::Group:
        attrs.emplace(b.type_name, null_block(b.block));
        break;
      case Nesting::List:
        attrs.emplace(b.type_name, t.is_dynamic() ? cty::Value::tuple({})
                                                  : cty::Value::list(t.element_type(), {}));
        break;
      case Nesting::Set:
        attrs.emplace(b.type_name, cty::Value::set(t.element_type(), {}));
        break;
      case Nesting::Map:
        attrs.emplace(b.type_name, t.is_dynamic() ? cty::Value::empty_object()
                                                  : cty::Value::map(t.element_type(), {}));
        break;
    }
  }
  return cty::Value::object(std::move(attrs));
}

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void check_attributes(const std::vector<Attribute>& attributes, const std::string& where,
                      std::set<std::string>& names, bool in_set, Diagnostics& diags);

void check_attribute(const Attribute& a, const std::string& where, bool in_set, Diagnostics& diags) {
  const std::string at = where + a.name;
  if (!valid_name(a.name)) diags.error("Invalid schema", at + ": name must use a-z, 0-9 and _");
  bool has_default = a.default_val.has_value();
  if (!a.is_required && !a.is_optional && !a.is_computed && !has_default) {
    diags.error("Invalid schema", at + ": must be required, optional or computed");
  }
  if (a.is_required && (a.is_optional || a.is_computed || has_default)) {
    diags.error("Invalid schema", at + ": required excludes optional, computed and a default");
  }
  if (a.is_write_only && (a.is_computed || has_default)) {
    diags.error("Invalid schema", at + ": write-only attributes cannot be computed or have a default");
  }
  if (a.is_write_only && a.replace_on_change) {
    diags.error("Invalid schema", at + ": write-only attributes cannot require replacement");
  }
  if (a.keep_state_for_unknown && !a.is_computed && !has_default) {
    diags.error("Invalid schema", at + ": use_state_for_unknown needs a computed attribute");
  }
  cty::Type t = a.value_type();
  if (in_set && t.has_dynamic()) {
    diags.error("Invalid schema", at + ": set-nested attributes cannot contain dynamic types");
  }
  if (has_default && !value_fits(*a.default_val, t)) {
    diags.error("Invalid schema", at + ": default value is not a " + t.friendly_name());
  }
  if (a.nested_type) {
    if (a.nested_type->nesting == Nesting::Group) {
      diags.error("Invalid schema", at + ": nested attributes cannot use group nesting");
    }
    std::set<std::string> inner;
    check_attributes(a.nested_type->attributes, at + ".", inner,
                     in_set || a.nested_type->nesting == Nesting::Set, diags);
  }
}

void check_attributes(const std::vector<Attribute>& attributes, const std::string& where,
                      std::set<std::string>& names, bool in_set, Diagnostics& diags) {
  for (const auto& a : attributes) {
    if (!names.insert(a.name).second) diags.error("Invalid schema", where + a.name + ": duplicate name");
    check_attribute(a, where, in_set, diags);
  }
}

void check_block(const Block& block, const std::string& where, bool in_set, Diagnostics& diags) {
  std::set<std::string> names;
  check_attributes(block.attributes, where, names, in_set, diags);
  for (const auto& b : block.blocks) {
    const std::string at = where + b.type_name;
    if (!valid_name(b.type_name)) diags.error("Invalid schema", at + ": name must use a-z, 0-9 and _");
    if (!names.insert(b.type_name).second) diags.error("Invalid schema", at + ": duplicate name");
    if (b.min_items < 0 || b.max_items < 0) diags.error("Invalid schema", at + ": negative min/max items");
    if (b.max_items > 0 && b.min_items > b.max_items) diags.error("Invalid schema", at + ": min_items > max_items");
    switch (b.nesting) {
      case Nesting::Single:
        if (b.min_items > 1 || b.max_items > 1 || b.min_items != b.max_items) {
          if (!(b.min_items == 0 && b.max_items == 0) && !(b.min_items == 1 && b.max_items == 1)) {
            diags.error("Invalid schema", at + ": single blocks take min/max items 0/0 or 1/1");
          }
        }
        break;
      case Nesting::Group:
      case Nesting::Map:
        if (b.min_items != 0 || b.max_items != 0) {
          diags.error("Invalid schema", at + ": group and map blocks cannot set min/max items");
        }
        break;
      default:
        break;
    }
    check_block(b.block, at + ".", in_set || b.nesting == Nesting::Set, diags);
  }
}

}  // namespace

cty::Value Schema::null_object() const { return null_block(block); }

void Schema::check(const std::string& type_name, Diagnostics& diagnostics) const {
  if (version < 0) diagnostics.error("Invalid schema", type_name + ": negative schema version");
  check_block(block, type_name + ".", false, diagnostics);
}

}  // namespace sarga::framework
