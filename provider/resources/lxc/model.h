// sarga_lxc values <-> Spec. Reading back keeps the configuration's spelling wherever PVE's
// answer means the same (tag case, an explicit `false` PVE leaves out, a mount point given
// by volume id), so an applied configuration always plans empty.
#pragma once

#include "provider/framework/model.h"
#include "provider/resources/lxc/spec.h"

namespace sarga::resources::lxc {

// The container described by a config, plan or state (unknown values read as unset).
Spec spec_from_model(const framework::Model& m);

// Writes the live container into `state` (which holds the prior values on entry).
void write_live(framework::Model& state, const Spec& live, int vmid, bool running);

}  // namespace sarga::resources::lxc
