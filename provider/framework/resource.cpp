#include "provider/framework/resource.h"

namespace sarga::framework {

void Resource::import_state(const ImportRequest& /*req*/, ImportResponse& resp) {
  resp.diagnostics.error("Import not supported", type_name() + " cannot be imported.");
}

void Resource::upgrade_state(const UpgradeStateRequest& req, UpgradeStateResponse& resp) {
  resp.diagnostics.error("Cannot upgrade state",
                         type_name() + " has no upgrade from schema version " +
                             std::to_string(req.version) + " to " + std::to_string(schema().version) +
                             ". Remove the resource from the state and import it again.");
}

}  // namespace sarga::framework
