// Netplan-style network configuration version 2, as cloud-init's NoCloud reads it from the
// seed's network-config file. Checks the structure users get wrong; errors name the line.
#pragma once

#include <string_view>

#include "provider/cty/path.h"
#include "provider/resources/cloudinit_seed/problem.h"

namespace sarga::resources::cloudinit_seed {

// Accepts the document bare (version: 2, ethernets: ...) or under a top-level `network:` key.
void validate_network_config(std::string_view text, const cty::Path& path, Problems& out);

}  // namespace sarga::resources::cloudinit_seed
