// tfplugin6.Provider over gRPC: decodes DynamicValues with the schema's implied types, runs
// the Operations, encodes results as msgpack, maps diagnostics and attribute paths. RPCs
// OpenTofu never calls answer UNIMPLEMENTED. Handlers run concurrently on gRPC's pool.
#pragma once

#include <grpcpp/grpcpp.h>

#include "provider/framework/operations.h"
#include "provider/framework/provider.h"
#include "tfplugin6.grpc.pb.h"

namespace sarga::framework {

class GrpcService final : public tfplugin6::Provider::Service {
 public:
  explicit GrpcService(Provider& provider) : provider_(provider), ops_(provider) {}

  grpc::Status GetMetadata(grpc::ServerContext*, const tfplugin6::GetMetadataCall::Request*,
                           tfplugin6::GetMetadataCall::Response*) override;
  grpc::Status GetProviderSchema(grpc::ServerContext*, const tfplugin6::GetProviderSchema::Request*,
                                 tfplugin6::GetProviderSchema::Response*) override;
  grpc::Status ValidateProviderConfig(grpc::ServerContext*,
                                      const tfplugin6::ValidateProviderConfig::Request*,
                                      tfplugin6::ValidateProviderConfig::Response*) override;
  grpc::Status ValidateResourceConfig(grpc::ServerContext*,
                                      const tfplugin6::ValidateResourceConfig::Request*,
                                      tfplugin6::ValidateResourceConfig::Response*) override;
  grpc::Status ValidateDataResourceConfig(grpc::ServerContext*,
                                          const tfplugin6::ValidateDataResourceConfig::Request*,
                                          tfplugin6::ValidateDataResourceConfig::Response*) override;
  grpc::Status UpgradeResourceState(grpc::ServerContext*,
                                    const tfplugin6::UpgradeResourceState::Request*,
                                    tfplugin6::UpgradeResourceState::Response*) override;
  grpc::Status GetResourceIdentitySchemas(grpc::ServerContext*,
                                          const tfplugin6::GetResourceIdentitySchemas::Request*,
                                          tfplugin6::GetResourceIdentitySchemas::Response*) override;
  grpc::Status ConfigureProvider(grpc::ServerContext*, const tfplugin6::ConfigureProvider::Request*,
                                 tfplugin6::ConfigureProvider::Response*) override;
  grpc::Status ReadResource(grpc::ServerContext*, const tfplugin6::ReadResource::Request*,
                            tfplugin6::ReadResource::Response*) override;
  grpc::Status PlanResourceChange(grpc::ServerContext*, const tfplugin6::PlanResourceChange::Request*,
                                  tfplugin6::PlanResourceChange::Response*) override;
  grpc::Status ApplyResourceChange(grpc::ServerContext*,
                                   const tfplugin6::ApplyResourceChange::Request*,
                                   tfplugin6::ApplyResourceChange::Response*) override;
  grpc::Status ImportResourceState(grpc::ServerContext*,
                                   const tfplugin6::ImportResourceState::Request*,
                                   tfplugin6::ImportResourceState::Response*) override;
  grpc::Status MoveResourceState(grpc::ServerContext*, const tfplugin6::MoveResourceState::Request*,
                                 tfplugin6::MoveResourceState::Response*) override;
  grpc::Status ReadDataSource(grpc::ServerContext*, const tfplugin6::ReadDataSource::Request*,
                              tfplugin6::ReadDataSource::Response*) override;
  grpc::Status ValidateEphemeralResourceConfig(
      grpc::ServerContext*, const tfplugin6::ValidateEphemeralResourceConfig::Request*,
      tfplugin6::ValidateEphemeralResourceConfig::Response*) override;
  grpc::Status OpenEphemeralResource(grpc::ServerContext*,
                                     const tfplugin6::OpenEphemeralResource::Request*,
                                     tfplugin6::OpenEphemeralResource::Response*) override;
  grpc::Status RenewEphemeralResource(grpc::ServerContext*,
                                      const tfplugin6::RenewEphemeralResource::Request*,
                                      tfplugin6::RenewEphemeralResource::Response*) override;
  grpc::Status CloseEphemeralResource(grpc::ServerContext*,
                                      const tfplugin6::CloseEphemeralResource::Request*,
                                      tfplugin6::CloseEphemeralResource::Response*) override;
  grpc::Status GetFunctions(grpc::ServerContext*, const tfplugin6::GetFunctions::Request*,
                            tfplugin6::GetFunctions::Response*) override;
  grpc::Status CallFunction(grpc::ServerContext*, const tfplugin6::CallFunction::Request*,
                            tfplugin6::CallFunction::Response*) override;
  grpc::Status StopProvider(grpc::ServerContext*, const tfplugin6::StopProvider::Request*,
                            tfplugin6::StopProvider::Response*) override;
  // Every other RPC keeps the generated UNIMPLEMENTED answer.

 private:
  Provider& provider_;
  Operations ops_;
};

}  // namespace sarga::framework
