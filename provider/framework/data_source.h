// A data source: reads something and returns it. The framework validates the config and
// checks that the result is wholly known.
#pragma once

#include <string>

#include "provider/framework/context.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/model.h"
#include "provider/framework/resource.h"
#include "provider/framework/schema.h"

namespace sarga::framework {

struct DataSourceReadRequest {
  Model config;  // wholly known
  Context context;
};
struct DataSourceReadResponse {
  Model state;  // starts as the config: fill in the computed attributes
  Diagnostics diagnostics;
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual std::string type_name() const = 0;
  virtual Schema schema() const = 0;
  virtual void validate(const ValidateRequest& /*req*/, Diagnostics& /*diagnostics*/) const {}
  virtual void read(const DataSourceReadRequest& req, DataSourceReadResponse& resp) = 0;
};

}  // namespace sarga::framework
