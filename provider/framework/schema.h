// The schema model: what a resource, data source, ephemeral resource or the provider block
// accepts and stores. Written once per type by the author; the framework derives the wire
// schema, the implied cty type, validation and the plan rules from it.
//
//   Schema s;
//   s.description = "A cloud-init NoCloud seed image.";
//   s.block.attributes = {
//       Attribute::string("hostname").required().describe("Guest host name.")
//           .validate(validators::string_length(1, 63)),
//       Attribute::string("output_path").required().requires_replace(),
//       Attribute::boolean("gzip").optional().default_value(cty::Value::boolean(false)),
//       Attribute::string("id").computed().use_state_for_unknown(),
//       Attribute::string("password").optional().sensitive().write_only(),
//       Attribute::nested("disk", Nesting::List, {Attribute::string("slot").required()}),
//   };
//   s.block.blocks = {NestedBlock("part", Nesting::List, Block{{
//       Attribute::string("content").required(),
//       Attribute::string("content_type").optional().default_value(cty::Value::string("text/cloud-config")),
//   }})};
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "provider/cty/path.h"
#include "provider/cty/type.h"
#include "provider/cty/value.h"
#include "provider/framework/diagnostics.h"

namespace sarga::framework {

// How a nested block or nested attribute repeats. Group is for blocks only: always present,
// never null (an absent block means all attributes null).
enum class Nesting { Single, List, Set, Map, Group };

// Checks one known, non-null value (of the attribute, or of the whole nested block element)
// and adds diagnostics at `path`. Validators never see null or unknown values.
using Validator =
    std::function<void(const cty::Value& value, const cty::Path& path, Diagnostics& diagnostics)>;

struct Attribute;

// Attributes nested inside an attribute (`nested_type` on the wire): `disk = [{...}]`.
struct NestedAttributes {
  Nesting nesting = Nesting::Single;  // Single, List, Set or Map
  std::vector<Attribute> attributes;
};

struct Attribute {
  std::string name;
  cty::Type type;  // unused when `nested_type` is set
  std::shared_ptr<NestedAttributes> nested_type;  // attribute made of attributes
  std::string description;                  // markdown
  bool is_required = false;
  bool is_optional = false;
  bool is_computed = false;
  bool is_sensitive = false;   // hidden in plan output and logs
  bool is_write_only = false;  // never stored: null in every state and plan returned
  std::string deprecation;     // non-empty: deprecated, with this message
  std::optional<cty::Value> default_val;  // planned when config is null; implies optional+computed
  bool replace_on_change = false;         // plan modifier: requires replace
  bool keep_state_for_unknown = false;    // plan modifier: use state for unknown
  std::vector<Validator> validators;

  // Constructors for the common types.
  static Attribute of(std::string name, cty::Type type);
  static Attribute string(std::string name) { return of(std::move(name), cty::Type::string()); }
  static Attribute number(std::string name) { return of(std::move(name), cty::Type::number()); }
  static Attribute boolean(std::string name) { return of(std::move(name), cty::Type::boolean()); }
  static Attribute list_of(std::string name, cty::Type element);
  static Attribute set_of(std::string name, cty::Type element);
  static Attribute map_of(std::string name, cty::Type element);
  static Attribute nested(std::string name, Nesting nesting, std::vector<Attribute> attributes);

  // Fluent setters (chain on a temporary; the result is copied into the schema).
  Attribute& required() { is_required = true; return *this; }
  Attribute& optional() { is_optional = true; return *this; }
  Attribute& computed() { is_computed = true; return *this; }
  Attribute& sensitive() { is_sensitive = true; return *this; }
  Attribute& write_only() { is_write_only = true; return *this; }
  Attribute& describe(std::string markdown) { description = std::move(markdown); return *this; }
  Attribute& deprecated(std::string message) { deprecation = std::move(message); return *this; }
  Attribute& default_value(cty::Value value);
  Attribute& requires_replace() { replace_on_change = true; return *this; }
  Attribute& use_state_for_unknown() { keep_state_for_unknown = true; return *this; }
  Attribute& validate(Validator validator);

  // The type as stored: `type`, or the object/collection type implied by `nested_type`.
  cty::Type value_type() const;
  // Whether config may set it (optional/required, including defaulted attributes).
  bool configurable() const { return is_required || is_optional; }
};

struct NestedBlock;

struct Block {
  std::vector<Attribute> attributes;
  std::vector<NestedBlock> blocks;
  std::string description;  // markdown
  std::string deprecation;

  const Attribute* find_attribute(std::string_view name) const;
  const NestedBlock* find_block(std::string_view name) const;
  // Object type implied by this block (protocol.md 3.4: blocks with dynamic attributes
  // become tuples / objects for LIST / MAP nesting).
  cty::Type implied_type() const;
};

struct NestedBlock {
  NestedBlock() = default;
  NestedBlock(std::string type_name, Nesting nesting, Block block, int64_t min_items = 0,
              int64_t max_items = 0)
      : type_name(std::move(type_name)), nesting(nesting), block(std::move(block)),
        min_items(min_items), max_items(max_items) {}

  std::string type_name;
  Nesting nesting = Nesting::List;
  Block block;
  int64_t min_items = 0;
  int64_t max_items = 0;  // 0: unlimited
  bool replace_on_change = false;  // any change inside requires replace
  std::vector<Validator> validators;  // run on each known block element

  NestedBlock& requires_replace() { replace_on_change = true; return *this; }
  NestedBlock& validate(Validator validator);
  cty::Type value_type() const;
};

struct Schema {
  int64_t version = 0;  // bump when the stored state layout changes (see Resource::upgrade_state)
  Block block;
  std::string description;  // markdown; overrides block.description when set

  cty::Type implied_type() const { return block.implied_type(); }
  // A value of the implied type with every attribute null, nested collections empty and
  // groups filled: the starting point for import stubs.
  cty::Value null_object() const;
  // Schema rules OpenTofu enforces when it loads schemas (protocol.md 4.1) and ours
  // (defaults conform to the type, write-only not computed); adds an error per violation.
  void check(const std::string& type_name, Diagnostics& diagnostics) const;
};

}  // namespace sarga::framework
