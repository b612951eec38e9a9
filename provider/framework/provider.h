// The provider: a registry of resources, data sources, ephemeral resources and functions,
// plus the configured settings and the StopProvider cancellation. main.cpp builds one,
// calls sarga::resources::register_all(provider) and serves it over tfplugin6.
//
//   void register_all(framework::Provider& provider) {
//     provider.add_resource(std::make_unique<CloudinitSeed>());
//     provider.add_function(std::make_unique<CloudinitUserdata>());
//   }
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "provider/framework/cancel.h"
#include "provider/framework/context.h"
#include "provider/framework/data_source.h"
#include "provider/framework/ephemeral_resource.h"
#include "provider/framework/function.h"
#include "provider/framework/provider_config.h"
#include "provider/framework/resource.h"
#include "provider/framework/schema.h"

namespace sarga::framework {

// A registered type with its schema computed once.
template <typename T>
struct Registered {
  std::unique_ptr<T> impl;
  Schema schema;
};

struct RegisteredFunction {
  std::unique_ptr<Function> impl;
  FunctionSignature signature;
};

class Provider {
 public:
  explicit Provider(std::string version = "0.1.0", EnvLookup env = process_env());

  // Registration (before serving; not thread-safe against RPCs). A duplicate name or an
  // invalid schema throws std::invalid_argument with the reason.
  void add_resource(std::unique_ptr<Resource> resource);
  void add_data_source(std::unique_ptr<DataSource> data_source);
  void add_ephemeral_resource(std::unique_ptr<EphemeralResource> resource);
  void add_function(std::unique_ptr<Function> function);

  const std::string& version() const { return version_; }
  const Schema& schema() const { return schema_; }  // the provider block
  const std::map<std::string, Registered<Resource>>& resources() const { return resources_; }
  const std::map<std::string, Registered<DataSource>>& data_sources() const { return data_sources_; }
  const std::map<std::string, Registered<EphemeralResource>>& ephemeral_resources() const {
    return ephemeral_;
  }
  const std::map<std::string, RegisteredFunction>& functions() const { return functions_; }

  const Registered<Resource>* find_resource(const std::string& type_name) const;
  const Registered<DataSource>* find_data_source(const std::string& type_name) const;
  const Registered<EphemeralResource>* find_ephemeral_resource(const std::string& type_name) const;
  const RegisteredFunction* find_function(const std::string& name) const;

  // ConfigureProvider: merges the block with the environment. Thread-safe.
  void configure(const cty::Value& config);
  // Settings plus a cancellation token for one call. Before configure(): environment only.
  Context context() const;

  // StopProvider: cancels every token handed out so far; later calls get a fresh token.
  void stop();

 private:
  std::string version_;
  EnvLookup env_;
  Schema schema_;
  std::map<std::string, Registered<Resource>> resources_;
  std::map<std::string, Registered<DataSource>> data_sources_;
  std::map<std::string, Registered<EphemeralResource>> ephemeral_;
  std::map<std::string, RegisteredFunction> functions_;

  mutable std::mutex mutex_;
  std::shared_ptr<const ProviderConfig> config_;
  CancelSource cancel_;
};

}  // namespace sarga::framework
