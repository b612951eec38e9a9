#include "provider/framework/schema_proto.h"

#include "provider/cty/json.h"
#include "provider/cty/msgpack.h"

namespace sarga::framework {

namespace {

void attribute_to_proto(const Attribute& a, tfplugin6::Schema::Attribute* out);

tfplugin6::Schema::Object::NestingMode object_nesting(Nesting n) {
  switch (n) {
    case Nesting::List: return tfplugin6::Schema::Object::LIST;
    case Nesting::Set: return tfplugin6::Schema::Object::SET;
    case Nesting::Map: return tfplugin6::Schema::Object::MAP;
    default: return tfplugin6::Schema::Object::SINGLE;
  }
}

tfplugin6::Schema::NestedBlock::NestingMode block_nesting(Nesting n) {
  switch (n) {
    case Nesting::Single: return tfplugin6::Schema::NestedBlock::SINGLE;
    case Nesting::List: return tfplugin6::Schema::NestedBlock::LIST;
    case Nesting::Set: return tfplugin6::Schema::NestedBlock::SET;
    case Nesting::Map: return tfplugin6::Schema::NestedBlock::MAP;
    case Nesting::Group: return tfplugin6::Schema::NestedBlock::GROUP;
  }
  return tfplugin6::Schema::NestedBlock::INVALID;
}

void attribute_to_proto(const Attribute& a, tfplugin6::Schema::Attribute* out) {
  out->set_name(a.name);
  if (a.nested_type) {
    auto* obj = out->mutable_nested_type();
    obj->set_nesting(object_nesting(a.nested_type->nesting));
    for (const auto& inner : a.nested_type->attributes) attribute_to_proto(inner, obj->add_attributes());
  } else {
    out->set_type(a.type.without_optional_attributes().to_json());
  }
  out->set_description(a.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
  bool has_default = a.default_val.has_value();
  out->set_required(a.is_required);
  out->set_optional(a.is_optional || has_default);
  out->set_computed(a.is_computed || has_default);
  out->set_sensitive(a.is_sensitive);
  out->set_write_only(a.is_write_only);
  out->set_deprecated(!a.deprecation.empty());
  out->set_deprecation_message(a.deprecation);
}

void block_to_proto(const Block& b, int64_t version, const std::string& description, tfplugin6::Schema::Block* out) {
  out->set_version(version);
  for (const auto& a : b.attributes) attribute_to_proto(a, out->add_attributes());
  for (const auto& nb : b.blocks) {
    auto* o = out->add_block_types();
    o->set_type_name(nb.type_name);
    o->set_nesting(block_nesting(nb.nesting));
    o->set_min_items(nb.min_items);
    o->set_max_items(nb.max_items);
    block_to_proto(nb.block, version, nb.block.description, o->mutable_block());
  }
  out->set_description(description);
  out->set_description_kind(tfplugin6::MARKDOWN);
  out->set_deprecated(!b.deprecation.empty());
  out->set_deprecation_message(b.deprecation);
}

void parameter_to_proto(const FunctionParameter& p, tfplugin6::Function::Parameter* out) {
  out->set_name(p.name);
  out->set_type(p.type.to_json());
  out->set_allow_null_value(p.allow_null);
  out->set_allow_unknown_values(p.allow_unknown);
  out->set_description(p.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
}

}  // namespace

void to_proto(const Schema& schema, tfplugin6::Schema* out) {
  out->set_version(schema.version);
  block_to_proto(schema.block, schema.version,
                 schema.description.empty() ? schema.block.description : schema.description, out->mutable_block());
}

void to_proto(const FunctionSignature& sig, tfplugin6::Function* out) {
  for (const auto& p : sig.parameters) parameter_to_proto(p, out->add_parameters());
  if (sig.variadic) parameter_to_proto(*sig.variadic, out->mutable_variadic_parameter());
  out->mutable_return_()->set_type(sig.return_type.to_json());
  out->set_summary(sig.summary);
  out->set_description(sig.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
  out->set_deprecation_message(sig.deprecation);
}

void to_proto(const cty::Path& path, tfplugin6::AttributePath* out) {
  for (const auto& s : path.steps()) {
    auto* step = out->add_steps();
    switch (s.kind) {
      case cty::PathStep::Kind::Attribute: step->set_attribute_name(s.name); break;
      case cty::PathStep::Kind::ElementKeyString: step->set_element_key_string(s.name); break;
      case cty::PathStep::Kind::ElementKeyInt: step->set_element_key_int(s.index); break;
    }
  }
}

cty::Path from_proto(const tfplugin6::AttributePath& path) {
  cty::Path out;
  for (const auto& s : path.steps()) {
    switch (s.selector_case()) {
      case tfplugin6::AttributePath::Step::kAttributeName: out.push_attribute(s.attribute_name()); break;
      case tfplugin6::AttributePath::Step::kElementKeyString: out.push_key(s.element_key_string()); break;
      case tfplugin6::AttributePath::Step::kElementKeyInt: out.push_index(s.element_key_int()); break;
      default: break;
    }
  }
  return out;
}

void to_proto(const Diagnostics& diagnostics, google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out) {
  for (const auto& d : diagnostics) {
    auto* o = out->Add();
    o->set_severity(d.severity == Severity::Error ? tfplugin6::Diagnostic::ERROR : tfplugin6::Diagnostic::WARNING);
    o->set_summary(d.summary);
    o->set_detail(d.detail);
    if (d.attribute && !d.attribute->empty()) to_proto(*d.attribute, o->mutable_attribute());
  }
}

cty::Value decode(const tfplugin6::DynamicValue& value, const cty::Type& type, const char* what,
                  Diagnostics& diagnostics) {
  try {
    if (!value.msgpack().empty()) return cty::from_msgpack(value.msgpack(), type);
    if (!value.json().empty()) return cty::from_json(value.json(), type);
    return cty::Value::null(type);
  } catch (const cty::PathError& e) {
    diagnostics.error(e.path(), std::string("Invalid ") + what + " value", e.what());
  } catch (const std::exception& e) {
    diagnostics.error(std::string("Invalid ") + what + " value", e.what());
  }
  return cty::Value::null(type);
}

void encode(const cty::Value& value, const cty::Type& type, tfplugin6::DynamicValue* out, Diagnostics& diagnostics) {
  try {
    out->set_msgpack(cty::to_msgpack(value, type));
  } catch (const cty::PathError& e) {
    diagnostics.error(e.path(), "Provider produced a value of the wrong type",
                      std::string(e.what()) + ". This is a bug in the provider; please report it.");
  } catch (const std::exception& e) {
    diagnostics.error("Provider produced a value of the wrong type", e.what());
  }
}

}  // namespace sarga::framework
