// The generic algorithms behind each tfplugin6 RPC, on cty values (no protobuf): they call
// the author's code and enforce OpenTofu's rules (protocol.md section 4) so that no
// resource can break them. The gRPC service decodes requests, calls these and encodes the
// results; tests call them directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "provider/cty/path.h"
#include "provider/cty/value.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/provider.h"
#include "provider/framework/schema.h"

namespace sarga::framework {

// ---- schema-driven helpers (pure) ----

// Required attributes, min/max items, deprecation warnings and validators, recursively.
// Unknown values are skipped.
void validate_against_schema(const Block& block, const cty::Value& config, Diagnostics& diagnostics,
                             const cty::Path& at = {});

// The value with every write-only attribute (at any depth) set to null.
cty::Value null_write_only(const Block& block, const cty::Value& value);

// The framework's own plan (before Resource::modify_plan): defaults for null config values,
// write-only nulled, and, when creating or when anything changed, computed attributes with
// null config planned unknown (kept from prior state when use_state_for_unknown).
cty::Value plan_computed(const Block& block, const cty::Value& prior, const cty::Value& proposed,
                         const cty::Value& config);

// Paths of requires-replace attributes/blocks whose planned value differs from prior.
std::vector<cty::Path> replace_paths(const Block& block, const cty::Value& prior,
                                     const cty::Value& planned);

// OpenTofu's plan-validity rules (protocol.md 4.3): errors naming each attribute whose
// planned value breaks them.
void check_plan(const Block& block, const cty::Value& prior, const cty::Value& config,
                const cty::Value& planned, const std::string& type_name, Diagnostics& diagnostics);

// OpenTofu's post-apply rules (protocol.md 4.5): known planned values must come back
// unchanged, no unknowns may remain. Errors name the attribute; returns `actual` with any
// leftover unknowns replaced by null.
cty::Value check_apply_result(const Block& block, const cty::Value& planned, const cty::Value& actual,
                              const std::string& type_name, Diagnostics& diagnostics);

// Unknowns replaced by null (recursively): what a partial state may contain.
cty::Value unknowns_to_null(const cty::Value& value);

// ---- per-RPC operations ----

struct PlanResult {
  cty::Value planned;
  std::vector<cty::Path> requires_replace;
  std::string planned_private;
  Diagnostics diagnostics;
};

struct StateResult {
  cty::Value state;  // null: gone (read) / deleted (apply)
  std::string private_data;
  Diagnostics diagnostics;
};

struct ImportResult {
  cty::Value state;
  std::string private_data;
  Diagnostics diagnostics;
};

struct OpenResult {
  cty::Value result;
  std::optional<std::chrono::system_clock::time_point> renew_at;
  std::string private_data;
  Diagnostics diagnostics;
};

struct RenewResult {
  std::optional<std::chrono::system_clock::time_point> renew_at;
  std::string private_data;
  Diagnostics diagnostics;
};

struct CallResult {
  cty::Value result;
  std::optional<std::string> error;
  std::optional<int64_t> error_argument;
};

class Operations {
 public:
  explicit Operations(Provider& provider) : provider_(provider) {}

  Diagnostics validate_provider_config(const cty::Value& config);
  Diagnostics configure_provider(const cty::Value& config);

  Diagnostics validate_resource_config(const std::string& type_name, const cty::Value& config);
  Diagnostics validate_data_source_config(const std::string& type_name, const cty::Value& config);
  Diagnostics validate_ephemeral_config(const std::string& type_name, const cty::Value& config);

  PlanResult plan(const std::string& type_name, const cty::Value& prior, const cty::Value& proposed,
                  const cty::Value& config, const std::string& prior_private);
  StateResult apply(const std::string& type_name, const cty::Value& prior, const cty::Value& planned,
                    const cty::Value& config, const std::string& planned_private);
  StateResult read(const std::string& type_name, const cty::Value& state,
                   const std::string& private_data);
  std::vector<ImportResult> import_state(const std::string& type_name, const std::string& id,
                                         Diagnostics& diagnostics);
  // raw_json: the stored attributes object; nullopt when only flatmap state was sent.
  StateResult upgrade_state(const std::string& type_name, int64_t version,
                            const std::optional<std::string>& raw_json);
  StateResult move_state(const std::string& source_provider_address,
                         const std::string& source_type_name, int64_t source_schema_version,
                         const std::string& source_state_json, const std::string& source_private,
                         const std::string& target_type_name);

  StateResult read_data_source(const std::string& type_name, const cty::Value& config);

  OpenResult open_ephemeral(const std::string& type_name, const cty::Value& config);
  RenewResult renew_ephemeral(const std::string& type_name, const std::string& private_data);
  Diagnostics close_ephemeral(const std::string& type_name, const std::string& private_data);

  CallResult call_function(const std::string& name, const std::vector<cty::Value>& arguments);

  void stop() { provider_.stop(); }
  Provider& provider() { return provider_; }

 private:
  Provider& provider_;
};

}  // namespace sarga::framework
