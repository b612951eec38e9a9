// `sarga_vm`: a QEMU VM on Proxmox VE (resource) and the lookup of one (data source).
#pragma once

#include <memory>

#include "provider/framework/data_source.h"
#include "provider/framework/resource.h"

namespace sarga::resources::vm {

std::unique_ptr<framework::Resource> make_resource();
std::unique_ptr<framework::DataSource> make_data_source();

}  // namespace sarga::resources::vm
