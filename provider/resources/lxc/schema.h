// The schema of resource `sarga_lxc` (attribute names follow the session contract).
#pragma once

#include "provider/framework/schema.h"

namespace sarga::resources::lxc {

framework::Schema lxc_schema();

}  // namespace sarga::resources::lxc
