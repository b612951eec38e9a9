// One API request from the wire to a handler: match the path against the real PVE schema,
// authenticate, validate every parameter (400 "Parameter verification failed."), check the
// privileges the schema names (403), then run the simulator's handler. Endpoints the schema
// knows but the simulator does not implement answer 501 like unknown paths do.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "acceptance-tests/pve-sim/auth.h"
#include "acceptance-tests/pve-sim/schema/schema.h"
#include "acceptance-tests/pve-sim/sim_core.h"

namespace sarga::pvesim {

struct Upload {
  std::string filename;
  std::string content;
};

// A validated request as handlers see it.
struct Call {
  std::string method;
  std::string path;
  const schema::Endpoint* endpoint = nullptr;
  schema::Validation v;
  Caller caller;
  std::optional<Upload> upload;

  bool has(const std::string& key) const { return v.values.count(key) > 0; }
  std::string str(const std::string& key, const std::string& def = "") const;
  long long integer(const std::string& key, long long def = 0) const;
  bool flag(const std::string& key, bool def = false) const;
  const schema::PropertyMap* prop(const std::string& key) const;
};

struct RawRequest {
  std::string method;
  std::string path;  // after /api2/json, decoded
  schema::Params params;
  std::string authorization, cookie, csrf;
  std::optional<Upload> upload;
};

struct Reply {
  int status = 200;
  std::string message;  // status line text for errors
  nlohmann::json body;  // {"data": ...} or the error shape
};

using Handler = std::function<nlohmann::json(SimCore&, Call&)>;

class Router {
 public:
  Router();
  void add(const std::string& method, const std::string& path_template, Handler handler);
  Reply handle(SimCore& core, RawRequest request) const;

  // Builds PVE's error shape for `status`/`message` (and per-parameter `errors`).
  static Reply error_reply(int status, const std::string& message,
                           const std::map<std::string, std::string>& errors = {});

 private:
  void check_permissions(SimCore& core, const Call& call) const;
  const schema::Schema& schema_;
  std::map<std::string, Handler> handlers_;  // "METHOD template" -> handler
};

// Registers every implemented endpoint.
void register_cluster_handlers(Router& r);
void register_access_handlers(Router& r);
void register_storage_handlers(Router& r);
void register_qemu_handlers(Router& r);
void register_lxc_handlers(Router& r);
void register_task_handlers(Router& r);
void register_pool_handlers(Router& r);

}  // namespace sarga::pvesim
