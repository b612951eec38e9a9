#include "provider/framework/provider.h"

#include <stdexcept>

namespace sarga::framework {

namespace {

template <typename T>
Registered<T> checked(std::unique_ptr<T> impl, const char* kind) {
  if (!impl) throw std::invalid_argument(std::string("null ") + kind);
  std::string name = impl->type_name();
  Schema schema = impl->schema();
  Diagnostics diags;
  schema.check(name, diags);
  if (diags.has_errors()) throw std::invalid_argument(diags.to_string());
  return Registered<T>{std::move(impl), std::move(schema)};
}

template <typename Map>
void insert(Map& map, const std::string& name, typename Map::mapped_type value, const char* kind) {
  if (name.rfind("sarga_", 0) != 0) {
    throw std::invalid_argument(std::string(kind) + " \"" + name + "\" must start with sarga_");
  }
  if (!map.emplace(name, std::move(value)).second) {
    throw std::invalid_argument(std::string(kind) + " \"" + name + "\" registered twice");
  }
}

}  // namespace

Provider::Provider(std::string version, EnvLookup env)
    : version_(std::move(version)), env_(std::move(env)), schema_(ProviderConfig::schema()) {
  config_ = std::make_shared<ProviderConfig>(ProviderConfig::from(cty::Value(), env_));
}

void Provider::add_resource(std::unique_ptr<Resource> resource) {
  auto r = checked(std::move(resource), "resource");
  std::string name = r.impl->type_name();
  insert(resources_, name, std::move(r), "resource");
}

void Provider::add_data_source(std::unique_ptr<DataSource> data_source) {
  auto r = checked(std::move(data_source), "data source");
  std::string name = r.impl->type_name();
  insert(data_sources_, name, std::move(r), "data source");
}

void Provider::add_ephemeral_resource(std::unique_ptr<EphemeralResource> resource) {
  auto r = checked(std::move(resource), "ephemeral resource");
  std::string name = r.impl->type_name();
  insert(ephemeral_, name, std::move(r), "ephemeral resource");
}

void Provider::add_function(std::unique_ptr<Function> function) {
  if (!function) throw std::invalid_argument("null function");
  std::string name = function->name();
  if (name.empty()) throw std::invalid_argument("function without a name");
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      throw std::invalid_argument("function \"" + name + "\": name must use a-z, 0-9 and _");
    }
  }
  FunctionSignature sig = function->signature();
  if (!functions_.emplace(name, RegisteredFunction{std::move(function), std::move(sig)}).second) {
    throw std::invalid_argument("function \"" + name + "\" registered twice");
  }
}

const Registered<Resource>* Provider::find_resource(const std::string& type_name) const {
  auto it = resources_.find(type_name);
  return it == resources_.end() ? nullptr : &it->second;
}

const Registered<DataSource>* Provider::find_data_source(const std::string& type_name) const {
  auto it = data_sources_.find(type_name);
  return it == data_sources_.end() ? nullptr : &it->second;
}

const Registered<EphemeralResource>* Provider::find_ephemeral_resource(const std::string& type_name) const {
  auto it = ephemeral_.find(type_name);
  return it == ephemeral_.end() ? nullptr : &it->second;
}

const RegisteredFunction* Provider::find_function(const std::string& name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

void Provider::configure(const cty::Value& config) {
  auto c = std::make_shared<const ProviderConfig>(ProviderConfig::from(config, env_));
  std::lock_guard lock(mutex_);
  config_ = std::move(c);
}

Context Provider::context() const {
  std::lock_guard lock(mutex_);
  return Context{config_, cancel_.token()};
}

void Provider::stop() {
  CancelSource old;
  {
    std::lock_guard lock(mutex_);
    old = cancel_;
    cancel_ = CancelSource();
  }
  old.cancel();
}

}  // namespace sarga::framework
