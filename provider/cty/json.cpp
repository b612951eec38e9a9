#include "provider/cty/json.h"

#include "provider/cty/json_text.h"
#include "provider/cty/path_stack.h"
#include "provider/cty/value_internal.h"

namespace sarga::cty {
namespace {

using K = JsonNode::Kind;

class JsonEncoder {
 public:
  explicit JsonEncoder(std::string& out) : out_(out) {}

  void value(const Value& v, const Type& t) {
    if (t.is_dynamic() && !v.type().is_dynamic()) {
      out_ += "{\"value\":";
      value(v, v.type());
      out_ += ",\"type\":";
      out_ += v.type().to_json();
      out_ += '}';
      return;
    }
    if (v.is_null()) {
      out_ += "null";
      return;
    }
    if (!v.is_known()) fail("value is not known");
    if (v.type().kind() != t.kind()) {
      fail(t.friendly_name() + " required, but value is " + v.type().friendly_name());
    }
    switch (t.kind()) {
      case Kind::String: append_json_string(out_, v.as_string()); return;
      case Kind::Number: out_ += v.as_number().to_string(); return;
      case Kind::Bool: out_ += v.as_bool() ? "true" : "false"; return;
      case Kind::List:
      case Kind::Set:
      case Kind::Tuple: {
        const auto& elems = v.elements();
        if (t.is_tuple() && elems.size() != t.tuple_element_types().size()) {
          fail("tuple of " + std::to_string(t.tuple_element_types().size()) + " elements required");
        }
        out_ += '[';
        path_.push_index(0);
        for (size_t i = 0; i < elems.size(); ++i) {
          if (i) out_ += ',';
          path_.set_index(static_cast<int64_t>(i));
          value(elems[i], t.is_tuple() ? t.tuple_element_types()[i] : t.element_type());
        }
        path_.pop();
        out_ += ']';
        return;
      }
      case Kind::Map: {
        out_ += '{';
        bool first = true;
        for (const auto& [k, e] : v.map_elements()) {
          if (!first) out_ += ',';
          first = false;
          path_.push_key(k);
          append_json_string(out_, k);
          out_ += ':';
          value(e, t.element_type());
          path_.pop();
        }
        out_ += '}';
        return;
      }
      case Kind::Object: {
        const auto& attrs = v.attributes();
        const auto& types = t.attribute_types();
        for (const auto& [name, av] : attrs) {
          if (types.find(name) == types.end()) {
            path_.push_attribute(name);
            fail("unsupported attribute (not in the " + t.friendly_name() + " type)");
          }
        }
        out_ += '{';
        bool first = true;
        for (const auto& [name, at] : types) {
          if (!first) out_ += ',';
          first = false;
          path_.push_attribute(name);
          append_json_string(out_, name);
          out_ += ':';
          auto it = attrs.find(name);
          if (it != attrs.end()) value(it->second, at);
          else if (t.is_optional_attribute(name)) out_ += "null";
          else fail("missing attribute (the value has no \"" + name + "\")");
          path_.pop();
        }
        out_ += '}';
        return;
      }
      case Kind::Dynamic: fail("value of dynamic type must be null");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& message) { throw EncodeError(path_.to_path(), message); }

  std::string& out_;
  internal::PathStack path_;
};

class JsonDecoder {
 public:
  explicit JsonDecoder(const JsonDecodeOptions& options) : options_(options) {}

  Value value(const JsonNode& n, const Type& t) {
    if (n.kind == K::Null) return Value::null(t);
    if (t.is_dynamic()) return dynamic(n);
    switch (t.kind()) {
      case Kind::String:
        if (n.kind == K::String || n.kind == K::Number) return Value::string(n.text);
        if (n.kind == K::Bool) return Value::string(n.boolean ? "true" : "false");
        fail("string is required");
      case Kind::Number:
        if (n.kind == K::Number || n.kind == K::String) {
          try {
            return Value::number(Number::parse(n.text));
          } catch (const NumberError& e) {
            fail(std::string("number is required: ") + e.what());
          }
        }
        fail("number is required");
      case Kind::Bool:
        if (n.kind == K::Bool) return Value::boolean(n.boolean);
        if (n.kind == K::String && (n.text == "true" || n.text == "false")) return Value::boolean(n.text == "true");
        fail("bool is required");
      case Kind::List:
      case Kind::Set: {
        if (n.kind != K::Array) fail(t.is_set() ? "need JSON array for set" : "need JSON array for list");
        const Type& et = t.element_type();
        Value::Elements elems;
        elems.reserve(n.items.size());
        path_.push_index(0);
        for (size_t i = 0; i < n.items.size(); ++i) {
          path_.set_index(static_cast<int64_t>(i));
          elems.push_back(value(n.items[i], et));
        }
        path_.pop();
        return build([&] { return t.is_set() ? Value::set(et, std::move(elems)) : Value::list(et, std::move(elems)); });
      }
      case Kind::Map: {
        if (n.kind != K::Object) fail("need JSON object for map");
        Value::MapElements elems;
        for (const auto& [k, sub] : n.members) {
          path_.push_key(k);
          Value v = value(sub, t.element_type());
          path_.pop();
          elems.insert_or_assign(k, std::move(v));
        }
        return build([&] { return Value::map(t.element_type(), std::move(elems)); });
      }
      case Kind::Tuple: {
        if (n.kind != K::Array) fail("need JSON array for tuple");
        const auto& types = t.tuple_element_types();
        if (n.items.size() != types.size()) {
          fail((n.items.size() < types.size() ? "not enough" : "too many") +
               std::string(" tuple elements (need ") + std::to_string(types.size()) + ")");
        }
        Value::Elements elems;
        path_.push_index(0);
        for (size_t i = 0; i < types.size(); ++i) {
          path_.set_index(static_cast<int64_t>(i));
          elems.push_back(value(n.items[i], types[i]));
        }
        path_.pop();
        return Value::tuple(std::move(elems));
      }
      case Kind::Object: {
        if (n.kind != K::Object) fail("need JSON object for object");
        const auto& types = t.attribute_types();
        Value::Attributes attrs;
        for (const auto& [k, sub] : n.members) {
          auto it = types.find(k);
          if (it == types.end()) {
            if (options_.ignore_undefined_attributes) continue;
            fail("unsupported attribute \"" + k + "\"");
          }
          path_.push_attribute(k);
          Value v = value(sub, it->second);
          path_.pop();
          attrs.insert_or_assign(k, std::move(v));
        }
        // Lenient like go-cty: attributes left out are null.
        for (const auto& [name, at] : types) {
          if (attrs.find(name) == attrs.end()) attrs.emplace(name, Value::null(at.without_optional_attributes()));
        }
        return Value::object(std::move(attrs));
      }
      case Kind::Dynamic: break;
    }
    fail("unsupported type " + t.friendly_name());
  }

 private:
  [[noreturn]] void fail(const std::string& message) { throw DecodeError(path_.to_path(), message); }

  template <typename F>
  Value build(F f) {
    try {
      return f();
    } catch (const ValueError& e) {
      fail(e.what());
    }
  }

  Value dynamic(const JsonNode& n) {
    if (n.kind != K::Object) fail("need JSON object for dynamically-typed value");
    const JsonNode* type_node = nullptr;
    const JsonNode* value_node = nullptr;
    for (const auto& [k, sub] : n.members) {
      if (k == "type") type_node = &sub;
      else if (k == "value") value_node = &sub;
      else fail("invalid key \"" + k + "\" in dynamically-typed value");
    }
    if (!type_node) fail("missing type in dynamically-typed value");
    if (!value_node) fail("missing value in dynamically-typed value");
    Type t;
    try {
      // Re-serialising the node is simplest: type JSON is tiny.
      t = Type::from_json(reserialize(*type_node));
    } catch (const TypeError& e) {
      fail(e.what());
    }
    return value(*value_node, t);
  }

  static std::string reserialize(const JsonNode& n) {
    std::string out;
    append(out, n);
    return out;
  }
  static void append(std::string& out, const JsonNode& n) {
    switch (n.kind) {
      case K::Null: out += "null"; return;
      case K::Bool: out += n.boolean ? "true" : "false"; return;
      case K::Number: out += n.text; return;
      case K::String: append_json_string(out, n.text); return;
      case K::Array:
        out += '[';
        for (size_t i = 0; i < n.items.size(); ++i) {
          if (i) out += ',';
          append(out, n.items[i]);
        }
        out += ']';
        return;
      case K::Object:
        out += '{';
        for (size_t i = 0; i < n.members.size(); ++i) {
          if (i) out += ',';
          append_json_string(out, n.members[i].first);
          out += ':';
          append(out, n.members[i].second);
        }
        out += '}';
        return;
    }
  }

  const JsonDecodeOptions& options_;
  internal::PathStack path_;
};

JsonNode parse_or_throw(std::string_view json) {
  try {
    return parse_json(json);
  } catch (const JsonSyntaxError& e) {
    throw DecodeError(Path(), e.what());
  }
}

Type implied(const JsonNode& n) {
  switch (n.kind) {
    case K::Null: return Type::dynamic();
    case K::Bool: return Type::boolean();
    case K::Number: return Type::number();
    case K::String: return Type::string();
    case K::Array: {
      std::vector<Type> elems;
      for (const auto& sub : n.items) elems.push_back(implied(sub));
      return Type::tuple(std::move(elems));
    }
    case K::Object: {
      Type::AttributeTypes attrs;
      for (const auto& [k, sub] : n.members) attrs.insert_or_assign(k, implied(sub));
      return Type::object(std::move(attrs));
    }
  }
  return Type::dynamic();
}

}  // namespace

std::string to_json(const Value& value, const Type& type) {
  std::string out;
  JsonEncoder(out).value(value, type);
  return out;
}

Value from_json(std::string_view json, const Type& type) { return from_json(json, type, JsonDecodeOptions{}); }

Value from_json(std::string_view json, const Type& type, const JsonDecodeOptions& options) {
  JsonNode node = parse_or_throw(json);
  return JsonDecoder(options).value(node, type);
}

Type implied_type_from_json(std::string_view json) { return implied(parse_or_throw(json)); }

}  // namespace sarga::cty
