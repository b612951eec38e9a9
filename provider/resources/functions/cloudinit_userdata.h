// Function `provider::sarga::cloudinit_userdata(config)`: cloud-config YAML from an object.
#pragma once

#include <memory>

#include "provider/framework/function.h"

namespace sarga::resources::functions {

std::unique_ptr<framework::Function> make_cloudinit_userdata();

}  // namespace sarga::resources::functions
