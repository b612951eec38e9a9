// Resource `sarga_lxc`: an LXC container on a Proxmox VE node (schema in schema.cpp).
#pragma once

#include <memory>

#include "provider/framework/resource.h"

namespace sarga::resources::lxc {

std::unique_ptr<framework::Resource> make_resource();

}  // namespace sarga::resources::lxc
