// Compiled form of the PVE parameter schema (internal to pve_sim_schema).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>

#include "acceptance-tests/pve-sim/schema/schema.h"

namespace sarga::pvesim::schema {

enum class Type { none, string, integer, number, boolean, array, object, null_value, any };

struct PropertyFormat;

// A code-checked named format (pve-vmid, mac-addr, ...): returns "" when valid, else PVE's
// die message including its trailing newline.
using FormatCheck = std::string (*)(std::string_view value);

struct Prop {
  Type type = Type::none;
  std::string type_name;  // as written, for "type check ('x') failed" messages
  bool optional = false;
  bool default_key = false;
  std::string alias;
  std::string key_alias;
  std::string requires_key;
  nlohmann::json default_value;

  std::optional<double> minimum, maximum;
  std::string minimum_text, maximum_text;  // as PVE prints them
  std::optional<size_t> min_length, max_length;
  std::vector<std::string> enum_values;
  std::string enum_text;  // "a, b, c"
  std::unique_ptr<RE2> pattern;

  // format: either a code check (optionally -list / -opt) or a property string
  std::string format_name;  // named format as written ("" for inline or none)
  FormatCheck check = nullptr;
  bool format_list = false;
  bool format_opt = false;
  std::shared_ptr<const PropertyFormat> property_format;  // inline or named hash format

  std::unique_ptr<Prop> items;  // array element schema
  int index_max = -1;           // for "name[n]" families
};

// A property-string format: its keys and which one may be written without "key=".
struct PropertyFormat {
  std::map<std::string, Prop> keys;
  std::string default_key;
  std::map<std::string, std::string> key_alias_targets;  // "model" -> "macaddr" (for printing)
  // Extra check after parsing (PVE's format validators, e.g. startup order): "" if fine.
  std::string (*validator)(const PropertyMap&) = nullptr;
};

struct CompiledEndpoint {
  Endpoint info;
  bool additional_properties_defined = false;
  bool additional_properties = false;
  std::map<std::string, Prop> props;                        // as in the schema ("net[n]")
  std::unordered_map<std::string, const Prop*> by_name;     // expanded ("net0".."net31")
  std::vector<std::string> required;                        // non-optional names
};

// The path index: one node per path segment, fixed names or one {param}.
struct PathNode {
  std::unordered_map<std::string, std::unique_ptr<PathNode>> fixed;
  std::unique_ptr<PathNode> param;
  std::string param_name;
  bool param_takes_rest = false;  // .../content/{volume}: PVE matches the rest of the URI
  std::map<std::string, CompiledEndpoint*, std::less<>> methods;
};

struct Schema::Impl {
  std::vector<std::unique_ptr<CompiledEndpoint>> endpoints;
  std::unordered_map<std::string, CompiledEndpoint*> by_template;  // "GET /nodes/{node}"
  std::unordered_map<const Endpoint*, const CompiledEndpoint*> by_info;
  PathNode root;
};

// compile.cpp
std::unique_ptr<Schema::Impl> compile_schema(const nlohmann::json& doc);
void compile_prop(const nlohmann::json& in, Prop& out, const std::string& where);
std::string translate_perl_regex(std::string_view perl);

// formats.cpp
FormatCheck find_format_check(std::string_view name);
std::shared_ptr<const PropertyFormat> find_named_property_format(std::string_view name);
std::vector<std::string> split_list(std::string_view text);

// check.cpp
void add_error(Errors& errors, const std::string& path, const std::string& message);
void check_prop(const std::string* value, const Prop& prop, const std::string& path, Errors& errors,
                PropertyMap* parsed_out);
// PVE's parse_property_string: "" on success (map filled), else the message to report.
std::string parse_property_string_impl(const PropertyFormat& format, std::string_view data,
                                       const std::string& path, PropertyMap& out);
bool is_number(std::string_view v);
bool is_integer(std::string_view v);

}  // namespace sarga::pvesim::schema
