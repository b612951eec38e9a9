// Schema of `sarga_org_intermediate`.
#pragma once

#include "provider/framework/schema.h"

namespace sarga::resources::org_intermediate {

framework::Schema resource_schema();

// Computed attributes that describe the issued certificate: unknown in a plan that
// re-issues it, kept from state otherwise.
const std::vector<const char*>& certificate_attributes();

}  // namespace sarga::resources::org_intermediate
