// The HCL schema of the `sarga_vm` resource and data source (names from the session
// contract). Most attributes are optional+computed: unset means "leave what Proxmox has"
// (a clone keeps its template's values) and the state shows the real value.
#pragma once

#include "provider/framework/schema.h"

namespace sarga::resources::vm {

framework::Schema resource_schema();
framework::Schema data_source_schema();

}  // namespace sarga::resources::vm
