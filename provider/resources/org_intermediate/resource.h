// Resource `sarga_org_intermediate`: one organisation's intermediate CA (OpenBao or local),
// name-constrained, renewed before expiry, revoked at the root on destroy.
#pragma once

#include <memory>

#include "provider/framework/resource.h"

namespace sarga::resources::org_intermediate {

std::unique_ptr<framework::Resource> make_resource();

}  // namespace sarga::resources::org_intermediate
