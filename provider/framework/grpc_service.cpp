#include "provider/framework/grpc_service.h"

#include "lib/log/log.h"
#include "provider/framework/schema_proto.h"

namespace sarga::framework {

namespace {

using grpc::ServerContext;
using grpc::Status;

void set_time(const TimePoint& t, google::protobuf::Timestamp* out) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  out->set_seconds(ns / 1000000000);
  out->set_nanos(static_cast<int32_t>(ns % 1000000000));
}

template <typename Reg>
const Schema* schema_of(const Reg* r) {
  return r ? &r->schema : nullptr;
}

void unknown(Diagnostics& diags, const char* kind, const std::string& name) {
  diags.error("Unknown " + std::string(kind), "This provider has no " + std::string(kind) + " named \"" + name + "\".");
}

// Logs the call and turns any exception that escaped the operations into a diagnostic, so
// one bad request can never take the provider process down.
template <typename F>
void run(const char* rpc, const std::string& type, Diagnostics& diags, F&& body) {
  if (log::enabled(log::Level::Debug)) log::debug(rpc, {{"type", type}});
  try {
    body();
  } catch (const std::exception& e) {
    diags.error("Internal provider error",
                std::string(rpc) + ": " + e.what() + ". This is a bug in sarga; please report it.");
  } catch (...) {
    diags.error("Internal provider error", std::string(rpc) + ": unknown exception.");
  }
}

}  // namespace

Status GrpcService::GetMetadata(ServerContext*, const tfplugin6::GetMetadataCall::Request*,
                                tfplugin6::GetMetadataCall::Response* resp) {
  resp->mutable_server_capabilities()->set_plan_destroy(true);
  for (const auto& [name, r] : provider_.resources()) resp->add_resources()->set_type_name(name);
  for (const auto& [name, r] : provider_.data_sources()) resp->add_data_sources()->set_type_name(name);
  for (const auto& [name, r] : provider_.ephemeral_resources()) resp->add_ephemeral_resources()->set_type_name(name);
  for (const auto& [name, f] : provider_.functions()) resp->add_functions()->set_name(name);
  return Status::OK;
}

Status GrpcService::GetProviderSchema(ServerContext*, const tfplugin6::GetProviderSchema::Request*,
                                      tfplugin6::GetProviderSchema::Response* resp) {
  to_proto(provider_.schema(), resp->mutable_provider());
  resp->mutable_provider_meta()->mutable_block();  // empty, but present
  for (const auto& [name, r] : provider_.resources()) to_proto(r.schema, &(*resp->mutable_resource_schemas())[name]);
  for (const auto& [name, r] : provider_.data_sources()) to_proto(r.schema, &(*resp->mutable_data_source_schemas())[name]);
  for (const auto& [name, r] : provider_.ephemeral_resources()) {
    to_proto(r.schema, &(*resp->mutable_ephemeral_resource_schemas())[name]);
  }
  for (const auto& [name, f] : provider_.functions()) to_proto(f.signature, &(*resp->mutable_functions())[name]);
  auto* caps = resp->mutable_server_capabilities();
  caps->set_plan_destroy(true);
  caps->set_get_provider_schema_optional(false);
  caps->set_move_resource_state(true);
  return Status::OK;
}

Status GrpcService::GetResourceIdentitySchemas(ServerContext*, const tfplugin6::GetResourceIdentitySchemas::Request*,
                                               tfplugin6::GetResourceIdentitySchemas::Response*) {
  return Status::OK;  // no resource identities (yet): an empty map
}

Status GrpcService::ValidateProviderConfig(ServerContext*, const tfplugin6::ValidateProviderConfig::Request* req,
                                           tfplugin6::ValidateProviderConfig::Response* resp) {
  Diagnostics diags;
  run("ValidateProviderConfig", std::string(), diags, [&] {
    cty::Value config = decode(req->config(), provider_.schema().implied_type(), "provider config", diags);
    if (!diags.has_errors()) diags.append(ops_.validate_provider_config(config));
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::ConfigureProvider(ServerContext*, const tfplugin6::ConfigureProvider::Request* req,
                                      tfplugin6::ConfigureProvider::Response* resp) {
  Diagnostics diags;
  run("ConfigureProvider", std::string(), diags, [&] {
    cty::Value config = decode(req->config(), provider_.schema().implied_type(), "provider config", diags);
    if (!diags.has_errors()) diags.append(ops_.configure_provider(config));
    log::debug("provider configured", {{"terraform_version", req->terraform_version()}});
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::ValidateResourceConfig(ServerContext*, const tfplugin6::ValidateResourceConfig::Request* req,
                                           tfplugin6::ValidateResourceConfig::Response* resp) {
  Diagnostics diags;
  run("ValidateResourceConfig", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_resource(req->type_name()));
    if (!s) {
      unknown(diags, "resource type", req->type_name());
    } else {
      cty::Value config = decode(req->config(), s->implied_type(), "config", diags);
      if (!diags.has_errors()) diags.append(ops_.validate_resource_config(req->type_name(), config));
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::ValidateDataResourceConfig(ServerContext*, const tfplugin6::ValidateDataResourceConfig::Request* req,
                                               tfplugin6::ValidateDataResourceConfig::Response* resp) {
  Diagnostics diags;
  run("ValidateDataResourceConfig", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_data_source(req->type_name()));
    if (!s) {
      unknown(diags, "data source", req->type_name());
    } else {
      cty::Value config = decode(req->config(), s->implied_type(), "config", diags);
      if (!diags.has_errors()) diags.append(ops_.validate_data_source_config(req->type_name(), config));
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::ValidateEphemeralResourceConfig(ServerContext*,
                                                    const tfplugin6::ValidateEphemeralResourceConfig::Request* req,
                                                    tfplugin6::ValidateEphemeralResourceConfig::Response* resp) {
  Diagnostics diags;
  run("ValidateEphemeralResourceConfig", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_ephemeral_resource(req->type_name()));
    if (!s) {
      unknown(diags, "ephemeral resource type", req->type_name());
    } else {
      cty::Value config = decode(req->config(), s->implied_type(), "config", diags);
      if (!diags.has_errors()) diags.append(ops_.validate_ephemeral_config(req->type_name(), config));
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::UpgradeResourceState(ServerContext*, const tfplugin6::UpgradeResourceState::Request* req,
                                         tfplugin6::UpgradeResourceState::Response* resp) {
  Diagnostics diags;
  run("UpgradeResourceState", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_resource(req->type_name()));
    if (!s) {
      unknown(diags, "resource type", req->type_name());
    } else {
      std::optional<std::string> json;
      if (!req->raw_state().json().empty() || req->raw_state().flatmap().empty()) json = req->raw_state().json();
      if (json && json->empty()) json = "null";
      StateResult r = ops_.upgrade_state(req->type_name(), req->version(), json);
      diags.append(r.diagnostics);
      if (!diags.has_errors()) encode(r.state, s->implied_type(), resp->mutable_upgraded_state(), diags);
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::ReadResource(ServerContext*, const tfplugin6::ReadResource::Request* req,
                                 tfplugin6::ReadResource::Response* resp) {
  Diagnostics diags;
  run("ReadResource", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_resource(req->type_name()));
    if (!s) {
      unknown(diags, "resource type", req->type_name());
    } else {
      cty::Type type = s->implied_type();
      cty::Value state = decode(req->current_state(), type, "current state", diags);
      if (!diags.has_errors()) {
        StateResult r = ops_.read(req->type_name(), state, req->private_());
        diags.append(r.diagnostics);
        encode(r.state, type, resp->mutable_new_state(), diags);
        resp->set_private_(r.private_data);
      }
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::PlanResourceChange(ServerContext*, const tfplugin6::PlanResourceChange::Request* req,
                                       tfplugin6::PlanResourceChange::Response* resp) {
  Diagnostics diags;
  run("PlanResourceChange", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_resource(req->type_name()));
    if (!s) {
      unknown(diags, "resource type", req->type_name());
    } else {
      cty::Type type = s->implied_type();
      cty::Value prior = decode(req->prior_state(), type, "prior state", diags);
      cty::Value proposed = decode(req->proposed_new_state(), type, "proposed state", diags);
      cty::Value config = decode(req->config(), type, "config", diags);
      if (!diags.has_errors()) {
        PlanResult r = ops_.plan(req->type_name(), prior, proposed, config, req->prior_private());
        diags.append(r.diagnostics);
        if (!r.planned.type().is_dynamic() || !r.planned.is_null()) {
          encode(r.planned, type, resp->mutable_planned_state(), diags);
        }
        for (const auto& p : r.requires_replace) to_proto(p, resp->add_requires_replace());
        resp->set_planned_private(r.planned_private);
      }
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::ApplyResourceChange(ServerContext*, const tfplugin6::ApplyResourceChange::Request* req,
                                        tfplugin6::ApplyResourceChange::Response* resp) {
  Diagnostics diags;
  run("ApplyResourceChange", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_resource(req->type_name()));
    if (!s) {
      unknown(diags, "resource type", req->type_name());
    } else {
      cty::Type type = s->implied_type();
      cty::Value prior = decode(req->prior_state(), type, "prior state", diags);
      cty::Value planned = decode(req->planned_state(), type, "planned state", diags);
      cty::Value config = decode(req->config(), type, "config", diags);
      if (!diags.has_errors()) {
        StateResult r = ops_.apply(req->type_name(), prior, planned, config, req->planned_private());
        diags.append(r.diagnostics);
        encode(r.state, type, resp->mutable_new_state(), diags);
        resp->set_private_(r.private_data);
      }
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::ImportResourceState(ServerContext*, const tfplugin6::ImportResourceState::Request* req,
                                        tfplugin6::ImportResourceState::Response* resp) {
  Diagnostics diags;
  run("ImportResourceState", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_resource(req->type_name()));
    if (!s) {
      unknown(diags, "resource type", req->type_name());
    } else {
      for (auto& r : ops_.import_state(req->type_name(), req->id(), diags)) {
        auto* out = resp->add_imported_resources();
        out->set_type_name(req->type_name());
        encode(r.state, s->implied_type(), out->mutable_state(), diags);
        out->set_private_(r.private_data);
      }
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::MoveResourceState(ServerContext*, const tfplugin6::MoveResourceState::Request* req,
                                      tfplugin6::MoveResourceState::Response* resp) {
  Diagnostics diags;
  run("MoveResourceState", req->target_type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_resource(req->target_type_name()));
    if (!s) {
      unknown(diags, "resource type", req->target_type_name());
    } else {
      StateResult r = ops_.move_state(req->source_provider_address(), req->source_type_name(),
                                      req->source_schema_version(), req->source_state().json(), req->source_private(),
                                      req->target_type_name());
      diags.append(r.diagnostics);
      if (!diags.has_errors()) {
        encode(r.state, s->implied_type(), resp->mutable_target_state(), diags);
        resp->set_target_private(r.private_data);
      }
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::ReadDataSource(ServerContext*, const tfplugin6::ReadDataSource::Request* req,
                                   tfplugin6::ReadDataSource::Response* resp) {
  Diagnostics diags;
  run("ReadDataSource", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_data_source(req->type_name()));
    if (!s) {
      unknown(diags, "data source", req->type_name());
    } else {
      cty::Value config = decode(req->config(), s->implied_type(), "config", diags);
      if (!diags.has_errors()) {
        StateResult r = ops_.read_data_source(req->type_name(), config);
        diags.append(r.diagnostics);
        if (!diags.has_errors()) encode(r.state, s->implied_type(), resp->mutable_state(), diags);
      }
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::OpenEphemeralResource(ServerContext*, const tfplugin6::OpenEphemeralResource::Request* req,
                                          tfplugin6::OpenEphemeralResource::Response* resp) {
  Diagnostics diags;
  run("OpenEphemeralResource", req->type_name(), diags, [&] {
    const Schema* s = schema_of(provider_.find_ephemeral_resource(req->type_name()));
    if (!s) {
      unknown(diags, "ephemeral resource type", req->type_name());
    } else {
      cty::Value config = decode(req->config(), s->implied_type(), "config", diags);
      if (!diags.has_errors()) {
        OpenResult r = ops_.open_ephemeral(req->type_name(), config);
        diags.append(r.diagnostics);
        if (!diags.has_errors()) {
          encode(r.result, s->implied_type(), resp->mutable_result(), diags);
          if (r.renew_at) set_time(*r.renew_at, resp->mutable_renew_at());
          if (!r.private_data.empty()) resp->set_private_(r.private_data);
        }
      }
    }
  });
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::RenewEphemeralResource(ServerContext*, const tfplugin6::RenewEphemeralResource::Request* req,
                                           tfplugin6::RenewEphemeralResource::Response* resp) {
  RenewResult r = ops_.renew_ephemeral(req->type_name(), req->private_());
  if (!r.diagnostics.has_errors()) {
    if (r.renew_at) set_time(*r.renew_at, resp->mutable_renew_at());
    if (!r.private_data.empty()) resp->set_private_(r.private_data);
  }
  to_proto(r.diagnostics, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::CloseEphemeralResource(ServerContext*, const tfplugin6::CloseEphemeralResource::Request* req,
                                           tfplugin6::CloseEphemeralResource::Response* resp) {
  Diagnostics diags = ops_.close_ephemeral(req->type_name(), req->private_());
  to_proto(diags, resp->mutable_diagnostics());
  return Status::OK;
}

Status GrpcService::GetFunctions(ServerContext*, const tfplugin6::GetFunctions::Request*,
                                 tfplugin6::GetFunctions::Response* resp) {
  for (const auto& [name, f] : provider_.functions()) to_proto(f.signature, &(*resp->mutable_functions())[name]);
  return Status::OK;
}

Status GrpcService::CallFunction(ServerContext*, const tfplugin6::CallFunction::Request* req,
                                 tfplugin6::CallFunction::Response* resp) {
  const RegisteredFunction* f = provider_.find_function(req->name());
  if (!f) {
    resp->mutable_error()->set_text("This provider has no function named \"" + req->name() + "\".");
    return Status::OK;
  }
  const FunctionSignature& sig = f->signature;
  std::vector<cty::Value> args;
  for (int i = 0; i < req->arguments_size(); ++i) {
    size_t idx = static_cast<size_t>(i);
    const FunctionParameter* p = idx < sig.parameters.size() ? &sig.parameters[idx]
                                 : sig.variadic                ? &*sig.variadic
                                                               : nullptr;
    cty::Type type = p ? p->type : cty::Type::dynamic();
    Diagnostics diags;
    args.push_back(decode(req->arguments(i), type, "argument", diags));
    if (diags.has_errors()) {
      resp->mutable_error()->set_text(diags.to_string());
      resp->mutable_error()->set_function_argument(i);
      return Status::OK;
    }
  }
  CallResult r = ops_.call_function(req->name(), args);
  if (r.error) {
    resp->mutable_error()->set_text(*r.error);
    if (r.error_argument) resp->mutable_error()->set_function_argument(*r.error_argument);
    return Status::OK;
  }
  Diagnostics diags;
  encode(r.result, sig.return_type, resp->mutable_result(), diags);
  if (diags.has_errors()) {
    resp->clear_result();
    resp->mutable_error()->set_text(diags.to_string());
  }
  return Status::OK;
}

Status GrpcService::StopProvider(ServerContext*, const tfplugin6::StopProvider::Request*,
                                 tfplugin6::StopProvider::Response*) {
  log::info("stop requested: cancelling in-flight work");
  ops_.stop();
  return Status::OK;
}

}  // namespace sarga::framework
