// The per-RPC algorithms: call the author's code inside a guard (exceptions become
// diagnostics) and enforce OpenTofu's rules on what comes back.
#include "provider/framework/operations.h"

#include "lib/log/log.h"
#include "provider/cty/json.h"

namespace sarga::framework {

namespace {

// Runs author code; exceptions become error diagnostics (with the path when cty knows it).
template <typename F>
void guarded(const std::string& what, Diagnostics& diags, F&& f) {
  try {
    f();
  } catch (const cty::PathError& e) {
    diags.error(e.path(), what + " failed", e.what());
  } catch (const std::exception& e) {
    diags.error(what + " failed", e.what());
  } catch (...) {
    diags.error(what + " failed", "unknown exception");
  }
}

void unknown_type(Diagnostics& diags, const char* kind, const std::string& name) {
  diags.error("Unknown " + std::string(kind), "This provider has no " + std::string(kind) + " named \"" + name + "\".");
}

// Error per unknown left in a value that must be wholly known (data sources, ephemeral results).
cty::Value require_known(const cty::Value& value, const std::string& type, Diagnostics& diags) {
  cty::walk(value, [&](const cty::Path& path, const cty::Value& v) {
    if (!v.is_known()) {
      diags.error(path, "Incomplete result from " + type,
                  path.to_string() + " is still unknown. This is a bug in the provider; please report it.");
      return false;
    }
    return true;
  });
  return unknowns_to_null(value);
}

nlohmann::json parse_json(const std::string& text, const std::string& what, Diagnostics& diags) {
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    diags.error("Invalid " + what, e.what());
    return nlohmann::json();
  }
}

void log_diags(const std::string& op, const std::string& type, const Diagnostics& diags) {
  if (diags.has_errors()) {
    log::warn(op + " returned errors", {{"type", type}, {"diagnostics", diags.to_string()}});
  }
}

}  // namespace

Diagnostics Operations::validate_provider_config(const cty::Value& config) {
  Diagnostics diags;
  ProviderConfig::validate(config, diags);
  return diags;
}

Diagnostics Operations::configure_provider(const cty::Value& config) {
  Diagnostics diags;
  ProviderConfig::validate(config, diags);
  if (!diags.has_errors()) provider_.configure(config);
  return diags;
}

Diagnostics Operations::validate_resource_config(const std::string& type, const cty::Value& config) {
  Diagnostics diags;
  const auto* r = provider_.find_resource(type);
  if (!r) {
    unknown_type(diags, "resource type", type);
    return diags;
  }
  validate_against_schema(r->schema.block, config, diags);
  ValidateRequest req{Model(config), provider_.context()};
  guarded(type + " validation", diags, [&] { r->impl->validate(req, diags); });
  return diags;
}

Diagnostics Operations::validate_data_source_config(const std::string& type, const cty::Value& config) {
  Diagnostics diags;
  const auto* r = provider_.find_data_source(type);
  if (!r) {
    unknown_type(diags, "data source", type);
    return diags;
  }
  validate_against_schema(r->schema.block, config, diags);
  ValidateRequest req{Model(config), provider_.context()};
  guarded(type + " validation", diags, [&] { r->impl->validate(req, diags); });
  return diags;
}

Diagnostics Operations::validate_ephemeral_config(const std::string& type, const cty::Value& config) {
  Diagnostics diags;
  const auto* r = provider_.find_ephemeral_resource(type);
  if (!r) {
    unknown_type(diags, "ephemeral resource type", type);
    return diags;
  }
  validate_against_schema(r->schema.block, config, diags);
  ValidateRequest req{Model(config), provider_.context()};
  guarded(type + " validation", diags, [&] { r->impl->validate(req, diags); });
  return diags;
}

PlanResult Operations::plan(const std::string& type, const cty::Value& prior, const cty::Value& proposed,
                            const cty::Value& config, const std::string& prior_private) {
  PlanResult out;
  const auto* r = provider_.find_resource(type);
  if (!r) {
    unknown_type(out.diagnostics, "resource type", type);
    return out;
  }
  const Block& block = r->schema.block;
  out.planned_private = prior_private;
  if (proposed.is_null()) {  // destroy (plan_destroy capability)
    out.planned = cty::Value::null(r->schema.implied_type());
    return out;
  }
  cty::Value planned = plan_computed(block, prior, proposed, config);

  ModifyPlanRequest req{Model(config), Model(prior), prior_private, provider_.context()};
  ModifyPlanResponse resp;
  resp.plan = Model(planned);
  resp.planned_private = prior_private;
  guarded(type + " plan", out.diagnostics, [&] { r->impl->modify_plan(req, resp); });
  out.diagnostics.append(resp.diagnostics);
  out.planned_private = resp.planned_private;
  out.planned = null_write_only(block, resp.plan.value());
  if (out.planned.is_null()) {
    out.diagnostics.error("Invalid plan from " + type, "The plan hook returned a null object. This is a bug in the resource.");
    out.planned = planned;
  }
  if (out.diagnostics.has_errors()) return out;

  check_plan(block, prior, config, out.planned, type, out.diagnostics);
  if (!prior.is_null()) {
    out.requires_replace = replace_paths(block, prior, out.planned);
    for (auto& p : resp.requires_replace) out.requires_replace.push_back(p);
  }
  return out;
}

StateResult Operations::apply(const std::string& type, const cty::Value& prior, const cty::Value& planned,
                              const cty::Value& config, const std::string& planned_private) {
  StateResult out;
  const auto* r = provider_.find_resource(type);
  if (!r) {
    unknown_type(out.diagnostics, "resource type", type);
    return out;
  }
  const Block& block = r->schema.block;
  Context ctx = provider_.context();

  if (planned.is_null()) {
    log::info("deleting", {{"type", type}});
    DeleteRequest req{Model(prior), planned_private, ctx};
    DeleteResponse resp;
    guarded(type + " delete", out.diagnostics, [&] { r->impl->destroy(req, resp); });
    out.diagnostics.append(resp.diagnostics);
    // A failed delete keeps the object in state so it can be retried.
    out.state = out.diagnostics.has_errors() ? prior : cty::Value::null(r->schema.implied_type());
    out.private_data = out.diagnostics.has_errors() ? planned_private : std::string();
    log_diags("delete", type, out.diagnostics);
    return out;
  }

  if (prior.is_null()) {
    log::info("creating", {{"type", type}});
    CreateRequest req{Model(config), Model(planned), planned_private, ctx};
    CreateResponse resp;
    resp.state = Model(planned);
    resp.private_data = planned_private;
    guarded(type + " create", out.diagnostics, [&] { r->impl->create(req, resp); });
    out.diagnostics.append(resp.diagnostics);
    out.private_data = resp.private_data;
    if (out.diagnostics.has_errors()) {
      // Something exists remotely: hand it to tofu (it taints it) instead of orphaning it.
      out.state = resp.created && !resp.state.is_null()
                      ? unknowns_to_null(null_write_only(block, resp.state.value()))
                      : cty::Value::null(r->schema.implied_type());
      log_diags("create", type, out.diagnostics);
      return out;
    }
    if (resp.state.is_null()) {
      out.diagnostics.error("Empty result from " + type, "Create returned no state. This is a bug in the resource.");
      out.state = cty::Value::null(r->schema.implied_type());
      return out;
    }
    out.state = check_apply_result(block, planned, null_write_only(block, resp.state.value()), type, out.diagnostics);
    return out;
  }

  log::info("updating", {{"type", type}});
  UpdateRequest req{Model(config), Model(planned), Model(prior), planned_private, ctx};
  UpdateResponse resp;
  resp.state = Model(planned);
  resp.private_data = planned_private;
  guarded(type + " update", out.diagnostics, [&] { r->impl->update(req, resp); });
  out.diagnostics.append(resp.diagnostics);
  if (out.diagnostics.has_errors()) {
    // Keep the prior state: the next refresh reads whatever part of the update happened.
    out.state = prior;
    out.private_data = planned_private;
    log_diags("update", type, out.diagnostics);
    return out;
  }
  out.private_data = resp.private_data;
  if (resp.state.is_null()) {
    out.diagnostics.error("Empty result from " + type, "Update returned no state. This is a bug in the resource.");
    out.state = prior;
    return out;
  }
  out.state = check_apply_result(block, planned, null_write_only(block, resp.state.value()), type, out.diagnostics);
  return out;
}

StateResult Operations::read(const std::string& type, const cty::Value& state, const std::string& private_data) {
  StateResult out;
  const auto* r = provider_.find_resource(type);
  if (!r) {
    unknown_type(out.diagnostics, "resource type", type);
    return out;
  }
  out.state = state;
  out.private_data = private_data;
  if (state.is_null()) return out;
  ReadRequest req{Model(state), private_data, provider_.context()};
  ReadResponse resp;
  resp.state = Model(state);
  resp.private_data = private_data;
  guarded(type + " read", out.diagnostics, [&] { r->impl->read(req, resp); });
  out.diagnostics.append(resp.diagnostics);
  if (out.diagnostics.has_errors()) return out;  // state unchanged
  out.private_data = resp.private_data;
  if (resp.state.is_null()) {
    log::info("remote object is gone", {{"type", type}});
    out.state = cty::Value::null(r->schema.implied_type());
    return out;
  }
  out.state = require_known(null_write_only(r->schema.block, resp.state.value()), type, out.diagnostics);
  return out;
}

std::vector<ImportResult> Operations::import_state(const std::string& type, const std::string& id,
                                                   Diagnostics& diags) {
  std::vector<ImportResult> out;
  const auto* r = provider_.find_resource(type);
  if (!r) {
    unknown_type(diags, "resource type", type);
    return out;
  }
  ImportRequest req{id, provider_.context()};
  ImportResponse resp;
  resp.state = Model(r->schema.null_object());
  guarded(type + " import", diags, [&] { r->impl->import_state(req, resp); });
  diags.append(resp.diagnostics);
  if (diags.has_errors()) return out;
  if (resp.state.is_null()) {
    diags.error("Cannot import " + type, "No object was found for the import ID \"" + id + "\".");
    return out;
  }
  ImportResult result;
  result.state = unknowns_to_null(null_write_only(r->schema.block, resp.state.value()));
  result.private_data = resp.private_data;
  out.push_back(std::move(result));
  return out;
}

StateResult Operations::upgrade_state(const std::string& type, int64_t version,
                                      const std::optional<std::string>& raw_json) {
  StateResult out;
  const auto* r = provider_.find_resource(type);
  if (!r) {
    unknown_type(out.diagnostics, "resource type", type);
    return out;
  }
  const Schema& schema = r->schema;
  if (!raw_json) {
    out.diagnostics.error("Unsupported state format",
                          "The state of this " + type + " is in the pre-0.12 flatmap format. Remove it from "
                          "the state and import it again.");
    return out;
  }
  if (version > schema.version) {
    out.diagnostics.error("State from a newer provider",
                          "The state of this " + type + " has schema version " + std::to_string(version) +
                              ", newer than this provider's " + std::to_string(schema.version) + ". Upgrade the provider.");
    return out;
  }
  if (version == schema.version) {
    guarded(type + " state decoding", out.diagnostics, [&] { out.state = cty::from_json(*raw_json, schema.implied_type()); });
  } else {
    nlohmann::json raw = parse_json(*raw_json, "stored state", out.diagnostics);
    if (out.diagnostics.has_errors()) return out;
    UpgradeStateRequest req{version, std::move(raw), provider_.context()};
    UpgradeStateResponse resp;
    guarded(type + " state upgrade", out.diagnostics, [&] { r->impl->upgrade_state(req, resp); });
    out.diagnostics.append(resp.diagnostics);
    out.state = resp.state.value();
  }
  if (out.diagnostics.has_errors()) return out;
  out.state = null_write_only(schema.block, out.state);
  return out;
}

StateResult Operations::move_state(const std::string& source_provider_address, const std::string& source_type,
                                   int64_t source_schema_version, const std::string& source_state_json,
                                   const std::string& source_private, const std::string& target_type) {
  StateResult out;
  const auto* r = provider_.find_resource(target_type);
  if (!r) {
    unknown_type(out.diagnostics, "resource type", target_type);
    return out;
  }
  nlohmann::json raw = parse_json(source_state_json, "source state", out.diagnostics);
  if (out.diagnostics.has_errors()) return out;
  MoveStateRequest req{source_provider_address, source_type, source_schema_version, std::move(raw), source_private,
                       provider_.context()};
  MoveStateResponse resp;
  guarded(target_type + " move", out.diagnostics, [&] { r->impl->move_state(req, resp); });
  out.diagnostics.append(resp.diagnostics);
  if (out.diagnostics.has_errors()) return out;
  if (resp.state.is_null()) {
    out.diagnostics.error("Unsupported move",
                          target_type + " cannot take over state from " + source_type + " (" +
                              source_provider_address + ").");
    return out;
  }
  out.state = unknowns_to_null(null_write_only(r->schema.block, resp.state.value()));
  out.private_data = resp.private_data;
  return out;
}

StateResult Operations::read_data_source(const std::string& type, const cty::Value& config) {
  StateResult out;
  const auto* r = provider_.find_data_source(type);
  if (!r) {
    unknown_type(out.diagnostics, "data source", type);
    return out;
  }
  DataSourceReadRequest req{Model(config), provider_.context()};
  DataSourceReadResponse resp;
  resp.state = Model(config);
  guarded(type + " read", out.diagnostics, [&] { r->impl->read(req, resp); });
  out.diagnostics.append(resp.diagnostics);
  if (out.diagnostics.has_errors()) return out;
  if (resp.state.is_null()) {
    out.diagnostics.error("Empty result from " + type, "The data source returned no object. This is a bug in the provider.");
    return out;
  }
  out.state = require_known(null_write_only(r->schema.block, resp.state.value()), type, out.diagnostics);
  return out;
}

OpenResult Operations::open_ephemeral(const std::string& type, const cty::Value& config) {
  OpenResult out;
  const auto* r = provider_.find_ephemeral_resource(type);
  if (!r) {
    unknown_type(out.diagnostics, "ephemeral resource type", type);
    return out;
  }
  OpenRequest req{Model(config), provider_.context()};
  OpenResponse resp;
  resp.result = Model(config);
  guarded(type + " open", out.diagnostics, [&] { r->impl->open(req, resp); });
  out.diagnostics.append(resp.diagnostics);
  if (out.diagnostics.has_errors()) return out;
  out.result = require_known(resp.result.value(), type, out.diagnostics);
  out.renew_at = resp.renew_at;
  out.private_data = resp.private_data;
  return out;
}

RenewResult Operations::renew_ephemeral(const std::string& type, const std::string& private_data) {
  RenewResult out;
  const auto* r = provider_.find_ephemeral_resource(type);
  if (!r) {
    unknown_type(out.diagnostics, "ephemeral resource type", type);
    return out;
  }
  RenewRequest req{private_data, provider_.context()};
  RenewResponse resp;
  resp.private_data = private_data;
  guarded(type + " renew", out.diagnostics, [&] { r->impl->renew(req, resp); });
  out.diagnostics.append(resp.diagnostics);
  out.renew_at = resp.renew_at;
  out.private_data = resp.private_data;
  return out;
}

Diagnostics Operations::close_ephemeral(const std::string& type, const std::string& private_data) {
  Diagnostics diags;
  const auto* r = provider_.find_ephemeral_resource(type);
  if (!r) {
    unknown_type(diags, "ephemeral resource type", type);
    return diags;
  }
  CloseRequest req{private_data, provider_.context()};
  CloseResponse resp;
  guarded(type + " close", diags, [&] { r->impl->close(req, resp); });
  diags.append(resp.diagnostics);
  return diags;
}

CallResult Operations::call_function(const std::string& name, const std::vector<cty::Value>& arguments) {
  CallResult out;
  const auto* f = provider_.find_function(name);
  if (!f) {
    out.error = "This provider has no function named \"" + name + "\".";
    return out;
  }
  const FunctionSignature& sig = f->signature;
  size_t fixed = sig.parameters.size();
  if (arguments.size() < fixed || (!sig.variadic && arguments.size() > fixed)) {
    out.error = name + " takes " + std::to_string(fixed) + (sig.variadic ? " or more" : "") + " arguments, got " +
                std::to_string(arguments.size()) + ".";
    return out;
  }
  for (size_t i = 0; i < arguments.size(); ++i) {
    const FunctionParameter& p = i < fixed ? sig.parameters[i] : *sig.variadic;
    if (arguments[i].is_null() && !p.allow_null) {
      out.error = "Argument \"" + p.name + "\" must not be null.";
      out.error_argument = static_cast<int64_t>(i);
      return out;
    }
  }
  try {
    out.result = f->impl->call(arguments);
  } catch (const FunctionError& e) {
    out.error = e.what();
    out.error_argument = e.argument;
  } catch (const std::exception& e) {
    out.error = name + " failed: " + e.what();
  }
  return out;
}

}  // namespace sarga::framework
