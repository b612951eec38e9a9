// Resource `sarga_bastion_power`: the declared power state ("on"/"off") of the smart plug
// that feeds a normally-dark bastion host. Read reports the plug's real state, so a
// bastion left on shows as drift and the next apply switches it off again.
#pragma once

#include <memory>

#include "provider/framework/resource.h"

namespace sarga::resources::bastion {

std::unique_ptr<framework::Resource> make_power_resource();

}  // namespace sarga::resources::bastion
