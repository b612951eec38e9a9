// Ephemeral resource `sarga_bastion_session`: the bastion is powered exactly while a tofu
// run needs it. Open switches the plug on with the device's auto-off timer armed as the
// safety net and waits for the bastion's port; renew re-arms the timer; close switches the
// plug off. Nothing is stored in state.
#pragma once

#include <memory>

#include "provider/framework/ephemeral_resource.h"

namespace sarga::resources::bastion {

std::unique_ptr<framework::EphemeralResource> make_session_resource();

}  // namespace sarga::resources::bastion
