// Schema-driven rules: validation, defaults and unknowns at plan time, requires-replace,
// write-only nulling, and OpenTofu's plan and apply consistency checks (protocol.md 4.3,
// 4.5), each reporting the attribute path at fault.
#include <functional>

#include "provider/framework/model.h"
#include "provider/framework/operations.h"

namespace sarga::framework {

namespace {

using Attrs = std::vector<Attribute>;
using Blocks = std::vector<NestedBlock>;
const Blocks kNoBlocks;

bool usable(const cty::Value& v) { return !v.is_null() && v.is_known(); }

// The attribute of an object value, or a null dynamic when the object is null/unknown.
cty::Value attr_of(const cty::Value& object, const std::string& name) {
  if (!usable(object) || !object.type().is_object()) return cty::Value();
  const cty::Value* v = object.find_attribute(name);
  return v ? *v : cty::Value();
}

struct Elem {
  cty::PathStep step;
  cty::Value value;
};

std::vector<Elem> elements_of(const cty::Value& v) {
  std::vector<Elem> out;
  if (!usable(v)) return out;
  const cty::Type& t = v.type();
  if (t.is_list() || t.is_tuple() || t.is_set()) {
    int64_t i = 0;
    for (const auto& e : v.elements()) out.push_back({cty::PathStep::index_of(i++), e});
  } else if (t.is_map()) {
    for (const auto& [k, e] : v.map_elements()) out.push_back({cty::PathStep::key(k), e});
  } else if (t.is_object()) {
    for (const auto& [k, e] : v.attributes()) out.push_back({cty::PathStep::key(k), e});
  }
  return out;
}

cty::Value rebuild_like(const cty::Value& original, const std::vector<Elem>& elems) {
  const cty::Type& t = original.type();
  if (t.is_list() || t.is_set() || t.is_tuple()) {
    cty::Value::Elements values;
    for (const auto& e : elems) values.push_back(e.value);
    if (t.is_list()) return cty::Value::list(t.element_type(), std::move(values));
    if (t.is_set()) return cty::Value::set(t.element_type(), std::move(values));
    return cty::Value::tuple(std::move(values));
  }
  if (t.is_map()) {
    cty::Value::MapElements values;
    for (const auto& e : elems) values.emplace(e.step.name, e.value);
    return cty::Value::map(t.element_type(), std::move(values));
  }
  cty::Value::Attributes values;
  for (const auto& e : elems) values.emplace(e.step.name, e.value);
  return cty::Value::object(std::move(values));
}

cty::Path extend(const cty::Path& p, const cty::PathStep& s) {
  cty::Path out = p;
  switch (s.kind) {
    case cty::PathStep::Kind::Attribute: out.push_attribute(s.name); break;
    case cty::PathStep::Kind::ElementKeyString: out.push_key(s.name); break;
    case cty::PathStep::Kind::ElementKeyInt: out.push_index(s.index); break;
  }
  return out;
}

// Counterpart of element `e` (from a planned/proposed collection) in another collection of
// the same nesting: by index for lists, key for maps, and for sets the first element whose
// non-null attributes all equal those of `e`.
cty::Value counterpart(const cty::Value& other, const Elem& e, bool is_set) {
  if (!usable(other)) return cty::Value();
  if (!is_set) {
    for (auto& o : elements_of(other)) {
      if (o.step == e.step) return o.value;
    }
    return cty::Value();
  }
  for (const auto& o : other.elements()) {
    if (!usable(o) || !usable(e.value) || !o.type().is_object()) continue;
    bool match = true;
    for (const auto& [name, ov] : o.attributes()) {
      if (ov.is_null() || !ov.is_known()) continue;
      const cty::Value* ev = e.value.find_attribute(name);
      if (!ev || !(*ev == ov)) { match = false; break; }
    }
    if (match) return o;
  }
  return cty::Value();
}

// ---------------------------------------------------------------- validation

void validate_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& config,
                     const cty::Path& at, Diagnostics& diags);

void run_validators(const std::vector<Validator>& validators, const cty::Value& v, const cty::Path& path,
                    Diagnostics& diags) {
  if (!v.is_wholly_known() || v.is_null()) return;
  for (const auto& validate : validators) validate(v, path, diags);
}

void validate_elements(const Attrs& attrs, const Blocks& blocks, Nesting nesting, const cty::Value& v,
                       const cty::Path& path, Diagnostics& diags) {
  if (!usable(v)) return;
  if (nesting == Nesting::Single || nesting == Nesting::Group) {
    validate_object(attrs, blocks, v, path, diags);
    return;
  }
  for (const auto& e : elements_of(v)) {
    // Set elements have no address on the wire: point at the collection.
    validate_object(attrs, blocks, e.value, nesting == Nesting::Set ? path : extend(path, e.step), diags);
  }
}

void validate_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& config,
                     const cty::Path& at, Diagnostics& diags) {
  if (!usable(config)) return;
  for (const auto& a : attrs) {
    cty::Value v = attr_of(config, a.name);
    cty::Path path = at.attribute(a.name);
    if (v.is_null()) {
      if (a.is_required) {
        diags.error(path, "Missing required argument",
                    "The argument \"" + path.to_string() + "\" is required, but no definition was found.");
      }
      continue;
    }
    if (!a.deprecation.empty()) {
      diags.warning(path, "Deprecated attribute", path.to_string() + ": " + a.deprecation);
    }
    run_validators(a.validators, v, path, diags);
    if (a.nested_type) {
      validate_elements(a.nested_type->attributes, kNoBlocks, a.nested_type->nesting, v, path, diags);
    }
  }
  for (const auto& b : blocks) {
    cty::Value v = attr_of(config, b.type_name);
    cty::Path path = at.attribute(b.type_name);
    if (!v.is_known()) continue;
    if (b.nesting == Nesting::List || b.nesting == Nesting::Set) {
      size_t n = v.is_null() ? 0 : v.length();
      if (v.is_wholly_known() && b.min_items > 0 && n < static_cast<size_t>(b.min_items)) {
        diags.error(path, "Insufficient " + b.type_name + " blocks",
                    "At least " + std::to_string(b.min_items) + " \"" + b.type_name + "\" blocks are required.");
      }
      if (b.max_items > 0 && n > static_cast<size_t>(b.max_items)) {
        diags.error(path, "Too many " + b.type_name + " blocks",
                    "No more than " + std::to_string(b.max_items) + " \"" + b.type_name + "\" blocks are allowed.");
      }
    } else if (b.nesting == Nesting::Single && b.min_items == 1 && v.is_null()) {
      diags.error(path, "Missing required block", "A \"" + b.type_name + "\" block is required.");
    }
    if (v.is_null()) continue;
    if (!b.block.deprecation.empty()) {
      diags.warning(path, "Deprecated block", path.to_string() + ": " + b.block.deprecation);
    }
    if (b.nesting == Nesting::Single || b.nesting == Nesting::Group) {
      run_validators(b.validators, v, path, diags);
    } else {
      for (const auto& e : elements_of(v)) {
        run_validators(b.validators, e.value, b.nesting == Nesting::Set ? path : extend(path, e.step), diags);
      }
    }
    validate_elements(b.block.attributes, b.block.blocks, b.nesting, v, path, diags);
  }
}

// ---------------------------------------------------------------- write-only

cty::Value null_write_only_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& v);

cty::Value null_write_only_nested(const Attrs& attrs, const Blocks& blocks, Nesting nesting, const cty::Value& v) {
  if (!usable(v)) return v;
  if (nesting == Nesting::Single || nesting == Nesting::Group) return null_write_only_object(attrs, blocks, v);
  auto elems = elements_of(v);
  for (auto& e : elems) e.value = null_write_only_object(attrs, blocks, e.value);
  return rebuild_like(v, elems);
}

cty::Value null_write_only_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& v) {
  if (!usable(v) || !v.type().is_object()) return v;
  cty::Value::Attributes out = v.attributes();
  for (const auto& a : attrs) {
    auto it = out.find(a.name);
    if (it == out.end()) continue;
    if (a.is_write_only) {
      it->second = cty::Value::null(a.value_type());
    } else if (a.nested_type) {
      it->second = null_write_only_nested(a.nested_type->attributes, kNoBlocks, a.nested_type->nesting, it->second);
    }
  }
  for (const auto& b : blocks) {
    auto it = out.find(b.type_name);
    if (it == out.end()) continue;
    it->second = null_write_only_nested(b.block.attributes, b.block.blocks, b.nesting, it->second);
  }
  return cty::Value::object(std::move(out));
}

// ---------------------------------------------------------------- plan

enum class Pass { Defaults, Unknowns };

cty::Value plan_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& proposed,
                       const cty::Value& config, const cty::Value& prior, Pass pass);

cty::Value plan_nested(const Attrs& attrs, const Blocks& blocks, Nesting nesting, const cty::Value& proposed,
                       const cty::Value& config, const cty::Value& prior, Pass pass) {
  if (!usable(proposed)) return proposed;
  if (nesting == Nesting::Single || nesting == Nesting::Group) {
    return plan_object(attrs, blocks, proposed, config, prior, pass);
  }
  bool is_set = nesting == Nesting::Set;
  auto elems = elements_of(proposed);
  for (auto& e : elems) {
    e.value = plan_object(attrs, blocks, e.value, counterpart(config, e, is_set),
                          counterpart(prior, e, is_set), pass);
  }
  return rebuild_like(proposed, elems);
}

cty::Value plan_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& proposed,
                       const cty::Value& config, const cty::Value& prior, Pass pass) {
  if (!usable(proposed) || !proposed.type().is_object()) return proposed;
  cty::Value::Attributes out = proposed.attributes();
  for (const auto& a : attrs) {
    auto it = out.find(a.name);
    if (it == out.end()) continue;
    cty::Value c = attr_of(config, a.name);
    if (pass == Pass::Defaults) {
      if (a.is_write_only) {
        it->second = cty::Value::null(a.value_type());
      } else if (c.is_null() && a.default_val) {
        it->second = replace_at(it->second, {}, *a.default_val);
      } else if (a.nested_type && c.is_known()) {
        it->second = plan_nested(a.nested_type->attributes, kNoBlocks, a.nested_type->nesting, it->second, c,
                                 attr_of(prior, a.name), pass);
      }
      continue;
    }
    // Unknowns pass: only reached when creating or when something changed.
    if (c.is_null() && a.is_computed && !a.default_val && !a.is_write_only) {
      bool keep = a.keep_state_for_unknown && usable(prior);
      if (!keep) it->second = cty::Value::unknown(a.value_type());
    } else if (a.nested_type && c.is_known()) {
      it->second = plan_nested(a.nested_type->attributes, kNoBlocks, a.nested_type->nesting, it->second, c,
                               attr_of(prior, a.name), pass);
    }
  }
  for (const auto& b : blocks) {
    auto it = out.find(b.type_name);
    if (it == out.end()) continue;
    it->second = plan_nested(b.block.attributes, b.block.blocks, b.nesting, it->second, attr_of(config, b.type_name),
                             attr_of(prior, b.type_name), pass);
  }
  return cty::Value::object(std::move(out));
}

// ---------------------------------------------------------------- requires replace

bool contains_replace(const Attrs& attrs, const Blocks& blocks) {
  for (const auto& a : attrs) {
    if (a.replace_on_change) return true;
    if (a.nested_type && contains_replace(a.nested_type->attributes, kNoBlocks)) return true;
  }
  for (const auto& b : blocks) {
    if (b.replace_on_change || contains_replace(b.block.attributes, b.block.blocks)) return true;
  }
  return false;
}

void replace_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& prior, const cty::Value& planned,
                    const cty::Path& at, std::vector<cty::Path>& out);

void replace_nested(const Attrs& attrs, const Blocks& blocks, Nesting nesting, const cty::Value& prior,
                    const cty::Value& planned, const cty::Path& path, std::vector<cty::Path>& out) {
  if (prior == planned || !contains_replace(attrs, blocks)) return;
  if (!usable(prior) || !usable(planned)) {
    out.push_back(path);  // appeared, vanished or unknown
    return;
  }
  if (nesting == Nesting::Single || nesting == Nesting::Group) {
    replace_object(attrs, blocks, prior, planned, path, out);
    return;
  }
  if (nesting == Nesting::Set || prior.length() != planned.length()) {
    out.push_back(path);
    return;
  }
  for (const auto& e : elements_of(planned)) {
    cty::Value p = counterpart(prior, e, false);
    if (p.is_null() && !e.value.is_null()) {
      out.push_back(path);
      return;
    }
    replace_object(attrs, blocks, p, e.value, extend(path, e.step), out);
  }
}

void replace_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& prior, const cty::Value& planned,
                    const cty::Path& at, std::vector<cty::Path>& out) {
  for (const auto& a : attrs) {
    cty::Value p = attr_of(prior, a.name), n = attr_of(planned, a.name);
    if (a.replace_on_change) {
      if (!(p == n)) out.push_back(at.attribute(a.name));
    } else if (a.nested_type) {
      replace_nested(a.nested_type->attributes, kNoBlocks, a.nested_type->nesting, p, n, at.attribute(a.name), out);
    }
  }
  for (const auto& b : blocks) {
    cty::Value p = attr_of(prior, b.type_name), n = attr_of(planned, b.type_name);
    if (b.replace_on_change) {
      if (!(p == n)) out.push_back(at.attribute(b.type_name));
    } else {
      replace_nested(b.block.attributes, b.block.blocks, b.nesting, p, n, at.attribute(b.type_name), out);
    }
  }
}

// ---------------------------------------------------------------- plan validity

std::string shown(const cty::Value& v, bool sensitive) {
  return sensitive ? "(sensitive value)" : v.debug_string();
}

void check_plan_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& prior, const cty::Value& config,
                       const cty::Value& planned, const cty::Path& at, const std::string& type, Diagnostics& diags);

void plan_error(Diagnostics& diags, const cty::Path& path, const std::string& type, const std::string& what) {
  diags.error(path, "Invalid plan from " + type,
              "The planned value for " + path.to_string() + " " + what +
                  ". This is a bug in the resource's plan code; please report it.");
}

void check_plan_nested(const Attrs& attrs, const Blocks& blocks, Nesting nesting, const cty::Value& prior,
                       const cty::Value& config, const cty::Value& planned, const cty::Path& path,
                       const std::string& type, Diagnostics& diags) {
  if (nesting == Nesting::Single || nesting == Nesting::Group) {
    check_plan_object(attrs, blocks, prior, config, planned, path, type, diags);
    return;
  }
  if (nesting == Nesting::Set) return;  // OpenTofu does not check set contents either
  for (const auto& e : elements_of(planned)) {
    check_plan_object(attrs, blocks, counterpart(prior, e, false), counterpart(config, e, false), e.value,
                      extend(path, e.step), type, diags);
  }
}

void check_plan_object(const Attrs& attrs, const Blocks& blocks, const cty::Value& prior, const cty::Value& config,
                       const cty::Value& planned, const cty::Path& at, const std::string& type, Diagnostics& diags) {
  if (!usable(planned)) return;
  for (const auto& a : attrs) {
    cty::Path path = at.attribute(a.name);
    cty::Value p = attr_of(planned, a.name), c = attr_of(config, a.name), r = attr_of(prior, a.name);
    if (a.is_write_only) {
      if (!p.is_null()) plan_error(diags, path, type, "must be null because the attribute is write-only");
      continue;
    }
    if (a.nested_type && usable(p) && usable(c)) {
      check_plan_nested(a.nested_type->attributes, kNoBlocks, a.nested_type->nesting, r, c, p, path, type, diags);
      continue;
    }
    if (p == c) continue;
    if (usable(prior) && !c.is_null() && !r.is_null() && p == r) continue;
    if (a.is_computed && !a.configurable()) continue;
    if (c.is_null() && (a.is_computed || a.default_val)) continue;
    if (c.is_null()) {
      plan_error(diags, path, type, "is " + shown(p, a.is_sensitive) + ", but the attribute is not set in the configuration and not computed");
    } else {
      plan_error(diags, path, type, "is " + shown(p, a.is_sensitive) + ", which does not match the configured value " + shown(c, a.is_sensitive));
    }
  }
  for (const auto& b : blocks) {
    cty::Path path = at.attribute(b.type_name);
    cty::Value p = attr_of(planned, b.type_name), c = attr_of(config, b.type_name);
    if (!p.is_known()) {
      plan_error(diags, path, type, "is unknown, but blocks can never be unknown");
      continue;
    }
    if (c.is_known() && p.is_null() != c.is_null()) {
      plan_error(diags, path, type, p.is_null() ? "is null, but the block is configured" : "is set, but the block is not configured");
      continue;
    }
    if ((b.nesting == Nesting::List || b.nesting == Nesting::Map) && usable(p) && usable(c) && p.length() != c.length()) {
      plan_error(diags, path, type, "has " + std::to_string(p.length()) + " blocks, but the configuration has " + std::to_string(c.length()));
      continue;
    }
    check_plan_nested(b.block.attributes, b.block.blocks, b.nesting, attr_of(prior, b.type_name), c, p, path, type, diags);
  }
}

// ---------------------------------------------------------------- apply consistency

// Whether the attribute at `path` (indexes and keys skipped) is sensitive.
bool path_is_sensitive(const Block& block, const cty::Path& path) {
  const Attrs* attrs = &block.attributes;
  const Blocks* blocks = &block.blocks;
  for (const auto& s : path.steps()) {
    if (s.kind != cty::PathStep::Kind::Attribute) continue;
    const Attribute* found = nullptr;
    for (const auto& a : *attrs) {
      if (a.name == s.name) found = &a;
    }
    if (found) {
      if (found->is_sensitive) return true;
      if (!found->nested_type) return false;
      attrs = &found->nested_type->attributes;
      blocks = &kNoBlocks;
      continue;
    }
    const NestedBlock* nb = nullptr;
    for (const auto& b : *blocks) {
      if (b.type_name == s.name) nb = &b;
    }
    if (!nb) return false;
    attrs = &nb->block.attributes;
    blocks = &nb->block.blocks;
  }
  return false;
}

struct ApplyChecker {
  const Block& block;
  const std::string& type;
  Diagnostics& diags;

  void error(const cty::Path& path, const std::string& what) {
    diags.error(path, "Inconsistent result from " + type,
                "After apply, " + (path.empty() ? std::string("the object") : path.to_string()) + " " + what +
                    ". This is a bug in the resource; please report it. The returned state was kept so "
                    "nothing is lost (a new resource is marked tainted).");
  }

  void compare(const cty::Value& planned, const cty::Value& actual, const cty::Path& path) {
    bool sensitive = path_is_sensitive(block, path);
    if (!planned.is_known()) {
      if (!actual.is_wholly_known()) error(path, "is still unknown");
      return;
    }
    if (!actual.is_known()) {
      error(path, "is unknown, but was planned as " + shown(planned, sensitive));
      return;
    }
    if (planned.is_null() != actual.is_null()) {
      error(path, "is " + shown(actual, sensitive) + ", but was planned as " + shown(planned, sensitive));
      return;
    }
    if (planned.is_null()) return;
    if (planned.is_wholly_known()) {
      if (!(planned == actual)) {
        error(path, "is " + shown(actual, sensitive) + ", but was planned as " + shown(planned, sensitive));
      }
      return;
    }
    const cty::Type& t = planned.type();
    if (t.is_object()) {
      for (const auto& [name, pv] : planned.attributes()) {
        const cty::Value* av = actual.find_attribute(name);
        if (av) compare(pv, *av, path.attribute(name));
      }
    } else if (t.is_list() || t.is_tuple() || t.is_map()) {
      if (planned.length() != actual.length()) {
        error(path, "has " + std::to_string(actual.length()) + " elements, but " +
                        std::to_string(planned.length()) + " were planned");
        return;
      }
      auto pe = elements_of(planned), ae = elements_of(actual);
      for (size_t i = 0; i < pe.size(); ++i) {
        if (!(pe[i].step == ae[i].step)) {
          error(extend(path, pe[i].step), "is missing from the result");
          continue;
        }
        compare(pe[i].value, ae[i].value, extend(path, pe[i].step));
      }
    } else if (t.is_set()) {
      if (actual.length() > planned.length()) {
        error(path, "has " + std::to_string(actual.length()) + " elements, but only " +
                        std::to_string(planned.length()) + " were planned");
      } else if (!actual.is_wholly_known()) {
        error(path, "still contains unknown values");
      }
    }
  }
};

}  // namespace

void validate_against_schema(const Block& block, const cty::Value& config, Diagnostics& diagnostics,
                             const cty::Path& at) {
  validate_object(block.attributes, block.blocks, config, at, diagnostics);
}

cty::Value null_write_only(const Block& block, const cty::Value& value) {
  return null_write_only_object(block.attributes, block.blocks, value);
}

cty::Value plan_computed(const Block& block, const cty::Value& prior, const cty::Value& proposed,
                         const cty::Value& config) {
  cty::Value planned = plan_object(block.attributes, block.blocks, proposed, config, prior, Pass::Defaults);
  bool creating = prior.is_null();
  if (creating || !(planned == prior)) {
    planned = plan_object(block.attributes, block.blocks, planned, config, prior, Pass::Unknowns);
  }
  return planned;
}

std::vector<cty::Path> replace_paths(const Block& block, const cty::Value& prior, const cty::Value& planned) {
  std::vector<cty::Path> out;
  if (!usable(prior) || !usable(planned)) return out;
  replace_object(block.attributes, block.blocks, prior, planned, {}, out);
  return out;
}

void check_plan(const Block& block, const cty::Value& prior, const cty::Value& config, const cty::Value& planned,
                const std::string& type_name, Diagnostics& diagnostics) {
  check_plan_object(block.attributes, block.blocks, prior, config, planned, {}, type_name, diagnostics);
}

cty::Value check_apply_result(const Block& block, const cty::Value& planned, const cty::Value& actual,
                              const std::string& type_name, Diagnostics& diagnostics) {
  ApplyChecker checker{block, type_name, diagnostics};
  checker.compare(planned, actual, {});
  return unknowns_to_null(actual);
}

cty::Value unknowns_to_null(const cty::Value& value) {
  return cty::transform(value, [](const cty::Path&, const cty::Value& v) {
    return v.is_known() ? v : cty::Value::null(v.type());
  });
}

}  // namespace sarga::framework
