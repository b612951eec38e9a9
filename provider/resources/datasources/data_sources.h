// Proxmox data sources: sarga_nodes, sarga_lxc (one container by vmid or by name/tags) and
// sarga_template (the newest VM template or container template volume matching a pattern).
#pragma once

#include <memory>

#include "provider/framework/data_source.h"

namespace sarga::resources::datasources {

std::unique_ptr<framework::DataSource> make_nodes();
std::unique_ptr<framework::DataSource> make_lxc();
std::unique_ptr<framework::DataSource> make_template();

}  // namespace sarga::resources::datasources
