// An ephemeral resource: a value that exists only during one tofu run (never stored in
// state or plan), e.g. a short-lived certificate or token. open() returns it; renew() and
// close() receive the private bytes open() returned.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "provider/framework/context.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/model.h"
#include "provider/framework/resource.h"
#include "provider/framework/schema.h"

namespace sarga::framework {

using TimePoint = std::chrono::system_clock::time_point;

struct OpenRequest {
  Model config;
  Context context;
};
struct OpenResponse {
  Model result;  // starts as the config: fill in the computed attributes
  std::optional<TimePoint> renew_at;
  std::string private_data;
  Diagnostics diagnostics;
};

struct RenewRequest {
  std::string private_data;
  Context context;
};
struct RenewResponse {
  std::optional<TimePoint> renew_at;
  std::string private_data;
  Diagnostics diagnostics;
};

struct CloseRequest {
  std::string private_data;
  Context context;
};
struct CloseResponse {
  Diagnostics diagnostics;
};

class EphemeralResource {
 public:
  virtual ~EphemeralResource() = default;
  virtual std::string type_name() const = 0;
  virtual Schema schema() const = 0;
  virtual void validate(const ValidateRequest& /*req*/, Diagnostics& /*diagnostics*/) const {}
  virtual void open(const OpenRequest& req, OpenResponse& resp) = 0;
  virtual void renew(const RenewRequest& /*req*/, RenewResponse& /*resp*/) {}
  virtual void close(const CloseRequest& /*req*/, CloseResponse& /*resp*/) {}
};

}  // namespace sarga::framework
