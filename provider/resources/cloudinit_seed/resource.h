// Resource `sarga_cloudinit_seed` (local mode): renders a NoCloud seed ISO from cloud-init
// documents and keeps it at `output_path`.
#pragma once

#include <memory>

#include "provider/framework/resource.h"

namespace sarga::resources::cloudinit_seed {

std::unique_ptr<framework::Resource> make_resource();

}  // namespace sarga::resources::cloudinit_seed
