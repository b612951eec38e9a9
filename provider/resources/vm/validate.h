// Checks of a `sarga_vm` config beyond the schema (exclusive fields, tags, durations), and
// of a plan against the prior state (disks never shrink or move), each naming the attribute.
#pragma once

#include "provider/framework/diagnostics.h"
#include "provider/framework/model.h"
#include "provider/resources/vm/vm_model.h"

namespace sarga::resources::vm {

void validate_config(const framework::Model& config, framework::Diagnostics& diags);
void check_plan_against_state(const Vm& prior, const framework::Model& plan, framework::Diagnostics& diags);

}  // namespace sarga::resources::vm
