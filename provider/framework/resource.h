// A managed resource: a schema plus create / read / update / delete. The framework plans
// (unknown computed values, defaults, requires-replace, write-only nulling), validates the
// config against the schema and checks results against the plan; the author only fills in
// values.
//
//   class Seed final : public framework::Resource {
//    public:
//     std::string type_name() const override { return "sarga_cloudinit_seed"; }
//     framework::Schema schema() const override {
//       framework::Schema s;
//       s.block.attributes = {
//           framework::Attribute::string("hostname").required(),
//           framework::Attribute::string("output_path").required().requires_replace(),
//           framework::Attribute::string("sha256").computed(),
//           framework::Attribute::string("id").computed().use_state_for_unknown(),
//       };
//       return s;
//     }
//     void create(const framework::CreateRequest& req, framework::CreateResponse& resp) override {
//       auto path = *req.plan.get_string("output_path");
//       write_iso(path);                      // made something: from here on, report it
//       resp.created = true;
//       resp.state.set_string("id", path);
//       resp.state.set_string("sha256", hash_of(path));
//     }
//     void read(const framework::ReadRequest& req, framework::ReadResponse& resp) override {
//       auto path = *req.state.get_string("id");
//       if (!exists(path)) { resp.mark_gone(); return; }  // tofu plans a re-create
//       resp.state.set_string("sha256", hash_of(path));
//     }
//     void update(const framework::UpdateRequest& req, framework::UpdateResponse& resp) override {...}
//     void destroy(const framework::DeleteRequest& req, framework::DeleteResponse& resp) override {
//       remove_file(*req.state.get_string("id"));
//     }
//     void import_state(const framework::ImportRequest& req, framework::ImportResponse& resp) override {
//       resp.state.set_string("id", req.id);  // tofu then calls read()
//     }
//   };
//
// Errors: add to resp.diagnostics (with a cty::Path for attribute errors). Exceptions
// escaping a method become an error diagnostic. All methods may run concurrently on
// different threads: keep shared members thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "provider/cty/path.h"
#include "provider/framework/context.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/model.h"
#include "provider/framework/schema.h"

namespace sarga::framework {

struct ValidateRequest {
  Model config;  // may contain unknown values
  Context context;
};

// Plan hook, called after the framework planned the change (defaults, unknowns) and before
// requires-replace paths are computed. Change computed attributes in resp.plan, add
// replace paths, or add diagnostics. Configured (non-null config) values must not change.
struct ModifyPlanRequest {
  Model config;  // may contain unknowns
  Model prior;   // null on create
  std::string prior_private;
  Context context;
};
struct ModifyPlanResponse {
  Model plan;
  std::vector<cty::Path> requires_replace;
  std::string planned_private;
  Diagnostics diagnostics;
};

// Write-only values (passwords sent once) are only in `config`: plan and state hold null.
struct CreateRequest {
  Model config;  // wholly known
  Model plan;
  std::string planned_private;
  Context context;
};
struct CreateResponse {
  Model state;  // starts as the plan: set every unknown (computed) attribute
  // Set as soon as something exists remotely: if errors follow, the framework still returns
  // the state (unknowns as null) so OpenTofu taints the resource instead of orphaning it.
  bool created = false;
  std::string private_data;
  Diagnostics diagnostics;
};

struct ReadRequest {
  Model state;
  std::string private_data;
  Context context;
};
struct ReadResponse {
  Model state;  // starts as the prior state; write what the remote object looks like now
  std::string private_data;
  Diagnostics diagnostics;
  // The remote object no longer exists: it leaves the state and the next plan creates it.
  void mark_gone() { state = Model(); }
};

struct UpdateRequest {
  Model config;
  Model plan;
  Model prior;
  std::string planned_private;
  Context context;
};
struct UpdateResponse {
  Model state;  // starts as the plan
  std::string private_data;
  Diagnostics diagnostics;
};

struct DeleteRequest {
  Model state;
  std::string private_data;
  Context context;
};
struct DeleteResponse {
  Diagnostics diagnostics;
};

struct ImportRequest {
  std::string id;  // as the user typed it in `import { id = ... }`
  Context context;
};
struct ImportResponse {
  Model state;  // starts as Schema::null_object(): set what read() needs (usually the id)
  std::string private_data;
  Diagnostics diagnostics;
};

// Stored state written by an older schema version.
struct UpgradeStateRequest {
  int64_t version = 0;   // the stored version (< schema().version)
  nlohmann::json raw;    // the stored attributes object, as JSON
  Context context;
};
struct UpgradeStateResponse {
  Model state;  // must have the current implied type
  Diagnostics diagnostics;
};

// `moved { from = other_type.x  to = this_type.y }`.
struct MoveStateRequest {
  std::string source_provider_address;
  std::string source_type_name;
  int64_t source_schema_version = 0;
  nlohmann::json source_state;  // attributes as JSON
  std::string source_private;
  Context context;
};
struct MoveStateResponse {
  Model state;  // null (untouched): this resource does not accept the move
  std::string private_data;
  Diagnostics diagnostics;
};

class Resource {
 public:
  virtual ~Resource() = default;

  virtual std::string type_name() const = 0;
  // Called once at registration; the framework keeps a copy.
  virtual Schema schema() const = 0;

  // Extra checks beyond the schema's (required, types, validators are automatic).
  virtual void validate(const ValidateRequest& /*req*/, Diagnostics& /*diagnostics*/) const {}
  virtual void modify_plan(const ModifyPlanRequest& /*req*/, ModifyPlanResponse& /*resp*/) {}

  virtual void create(const CreateRequest& req, CreateResponse& resp) = 0;
  virtual void read(const ReadRequest& req, ReadResponse& resp) = 0;
  virtual void update(const UpdateRequest& req, UpdateResponse& resp) = 0;
  virtual void destroy(const DeleteRequest& req, DeleteResponse& resp) = 0;

  // Default: "does not support import".
  virtual void import_state(const ImportRequest& req, ImportResponse& resp);
  // Only called for versions below schema().version. Default: error.
  virtual void upgrade_state(const UpgradeStateRequest& req, UpgradeStateResponse& resp);
  // Default: leaves resp.state null, and the framework reports that the move is unsupported.
  virtual void move_state(const MoveStateRequest& /*req*/, MoveStateResponse& /*resp*/) {}
};

}  // namespace sarga::framework
