#include "provider/framework/model.h"

namespace sarga::framework {

bool value_fits(const cty::Value& value, const cty::Type& type) {
  if (type.is_dynamic()) return true;
  if ((value.is_null() || !value.is_known()) && value.type().is_dynamic()) return true;
  return value.type().conforms_to(type);
}

namespace {

// A null or unknown of the dynamic type takes the slot's type, so state keeps its shape.
cty::Value retype(const cty::Value& value, const cty::Type& slot) {
  if (!value.type().is_dynamic() || slot.is_dynamic()) return value;
  if (value.is_null()) return cty::Value::null(slot);
  if (!value.is_known()) return cty::Value::unknown(slot);
  return value;
}

cty::Value replace_step(const cty::Value& node, const cty::Path& path, size_t i, const cty::Value& value) {
  if (i == path.size()) {
    if (!value_fits(value, node.type())) {
      throw cty::ValueError("cannot set " + path.to_string() + ": want " + node.type().friendly_name() +
                            ", got " + value.type().friendly_name());
    }
    return retype(value, node.type());
  }
  if (node.is_null() || !node.is_known()) {
    throw cty::ValueError("cannot set " + path.to_string() + ": " +
                          cty::Path(std::vector<cty::PathStep>(path.steps().begin(), path.steps().begin() + i)).to_string() +
                          " is " + (node.is_null() ? "null" : "unknown"));
  }
  const cty::PathStep& step = path.steps()[i];
  const cty::Type& t = node.type();
  switch (step.kind) {
    case cty::PathStep::Kind::Attribute: {
      if (!t.is_object() || !t.has_attribute(step.name)) {
        throw cty::ValueError("cannot set " + path.to_string() + ": no attribute \"" + step.name + "\"");
      }
      cty::Value::Attributes attrs = node.attributes();
      auto it = attrs.find(step.name);
      it->second = replace_step(it->second, path, i + 1, value);
      return cty::Value::object(std::move(attrs));
    }
    case cty::PathStep::Kind::ElementKeyString: {
      if (t.is_map()) {
        cty::Value::MapElements elems = node.map_elements();
        auto it = elems.find(step.name);
        if (it == elems.end()) {
          if (i + 1 != path.size()) throw cty::ValueError("cannot set " + path.to_string() + ": no such key");
          elems.emplace(step.name, retype(value, t.element_type()));
        } else {
          it->second = replace_step(it->second, path, i + 1, value);
        }
        return cty::Value::map(t.element_type(), std::move(elems));
      }
      if (t.is_object() && t.has_attribute(step.name)) {
        cty::Value::Attributes attrs = node.attributes();
        auto it = attrs.find(step.name);
        it->second = replace_step(it->second, path, i + 1, value);
        return cty::Value::object(std::move(attrs));
      }
      throw cty::ValueError("cannot set " + path.to_string() + ": not a map");
    }
    case cty::PathStep::Kind::ElementKeyInt: {
      if (!t.is_list() && !t.is_tuple()) {
        throw cty::ValueError("cannot set " + path.to_string() + ": not a list");
      }
      cty::Value::Elements elems = node.elements();
      if (step.index < 0 || static_cast<size_t>(step.index) >= elems.size()) {
        throw cty::ValueError("cannot set " + path.to_string() + ": index out of range");
      }
      elems[step.index] = replace_step(elems[step.index], path, i + 1, value);
      if (t.is_tuple()) return cty::Value::tuple(std::move(elems));
      return cty::Value::list(t.element_type(), std::move(elems));
    }
  }
  return node;
}

[[noreturn]] void wrong_kind(std::string_view name, const cty::Value& v, const char* want) {
  throw cty::ValueError("attribute \"" + std::string(name) + "\" is " + v.type().friendly_name() +
                        ", not " + want);
}

}  // namespace

cty::Value replace_at(const cty::Value& root, const cty::Path& path, const cty::Value& value) {
  return replace_step(root, path, 0, value);
}

cty::Value Model::get(std::string_view name) const {
  if (value_.is_null() || !value_.is_known() || !value_.type().is_object()) {
    throw cty::ValueError("cannot read attribute \"" + std::string(name) + "\" of a null or unknown object");
  }
  const cty::Value* v = value_.find_attribute(name);
  if (!v) throw cty::ValueError("no attribute \"" + std::string(name) + "\" in this object");
  return *v;
}

cty::Value Model::get(const cty::Path& path) const {
  auto v = value_.at(path);
  return v ? *v : cty::Value();
}

bool Model::has(std::string_view name) const {
  return !value_.is_null() && value_.is_known() && value_.type().is_object() &&
         value_.type().has_attribute(name);
}

bool Model::is_null(std::string_view name) const { return get(name).is_null(); }

bool Model::is_known(std::string_view name) const { return get(name).is_wholly_known(); }

std::optional<std::string> Model::get_string(std::string_view name) const {
  cty::Value v = get(name);
  if (!v.type().is_dynamic() && v.type().kind() != cty::Kind::String) wrong_kind(name, v, "a string");
  if (v.is_null() || !v.is_known()) return std::nullopt;
  return v.as_string();
}

std::optional<int64_t> Model::get_int(std::string_view name) const {
  cty::Value v = get(name);
  if (!v.type().is_dynamic() && v.type().kind() != cty::Kind::Number) wrong_kind(name, v, "a number");
  if (v.is_null() || !v.is_known()) return std::nullopt;
  return v.as_number().to_int64();
}

std::optional<double> Model::get_double(std::string_view name) const {
  cty::Value v = get(name);
  if (!v.type().is_dynamic() && v.type().kind() != cty::Kind::Number) wrong_kind(name, v, "a number");
  if (v.is_null() || !v.is_known()) return std::nullopt;
  return v.as_double();
}

std::optional<bool> Model::get_bool(std::string_view name) const {
  cty::Value v = get(name);
  if (!v.type().is_dynamic() && v.type().kind() != cty::Kind::Bool) wrong_kind(name, v, "a bool");
  if (v.is_null() || !v.is_known()) return std::nullopt;
  return v.as_bool();
}

std::optional<std::vector<std::string>> Model::get_strings(std::string_view name) const {
  cty::Value v = get(name);
  if (v.is_null() || !v.is_wholly_known()) return std::nullopt;
  if (!v.type().is_list() && !v.type().is_set() && !v.type().is_tuple()) wrong_kind(name, v, "a list");
  std::vector<std::string> out;
  for (const auto& e : v.elements()) {
    if (e.is_null()) return std::nullopt;
    if (e.type().kind() != cty::Kind::String) wrong_kind(name, v, "a list of strings");
    out.push_back(e.as_string());
  }
  return out;
}

std::optional<std::map<std::string, std::string>> Model::get_string_map(std::string_view name) const {
  cty::Value v = get(name);
  if (v.is_null() || !v.is_wholly_known()) return std::nullopt;
  if (!v.type().is_map() && !v.type().is_object()) wrong_kind(name, v, "a map");
  std::map<std::string, std::string> out;
  const auto& elems = v.type().is_map() ? v.map_elements() : v.attributes();
  for (const auto& [k, e] : elems) {
    if (e.is_null()) return std::nullopt;
    if (e.type().kind() != cty::Kind::String) wrong_kind(name, v, "a map of strings");
    out.emplace(k, e.as_string());
  }
  return out;
}

std::vector<Model> Model::get_list(std::string_view name) const {
  cty::Value v = get(name);
  std::vector<Model> out;
  if (v.is_null() || !v.is_known()) return out;
  if (v.type().is_map()) {
    for (const auto& [k, e] : v.map_elements()) out.emplace_back(e);
    return out;
  }
  if (!v.type().is_list() && !v.type().is_set() && !v.type().is_tuple()) wrong_kind(name, v, "a list");
  for (const auto& e : v.elements()) out.emplace_back(e);
  return out;
}

Model Model::get_object(std::string_view name) const {
  cty::Value v = get(name);
  if (v.is_null() || !v.is_known()) return Model();
  return Model(v);
}

void Model::set(std::string_view name, cty::Value value) {
  value_ = replace_at(value_, cty::Path().attribute(std::string(name)), value);
}

void Model::set(const cty::Path& path, cty::Value value) { value_ = replace_at(value_, path, value); }

void Model::set_string(std::string_view name, std::string value) {
  set(name, cty::Value::string(std::move(value)));
}

void Model::set_int(std::string_view name, int64_t value) { set(name, cty::Value::number_int(value)); }

void Model::set_double(std::string_view name, double value) {
  set(name, cty::Value::number_float(value));
}

void Model::set_bool(std::string_view name, bool value) { set(name, cty::Value::boolean(value)); }

void Model::set_strings(std::string_view name, const std::vector<std::string>& values) {
  cty::Type t = get(name).type();
  cty::Value::Elements elems;
  for (const auto& s : values) elems.push_back(cty::Value::string(s));
  if (t.is_set()) {
    set(name, cty::Value::set(cty::Type::string(), std::move(elems)));
  } else {
    set(name, cty::Value::list(cty::Type::string(), std::move(elems)));
  }
}

void Model::set_string_map(std::string_view name, const std::map<std::string, std::string>& values) {
  cty::Value::MapElements elems;
  for (const auto& [k, s] : values) elems.emplace(k, cty::Value::string(s));
  set(name, cty::Value::map(cty::Type::string(), std::move(elems)));
}

void Model::set_null(std::string_view name) { set(name, cty::Value::null(get(name).type())); }

}  // namespace sarga::framework
