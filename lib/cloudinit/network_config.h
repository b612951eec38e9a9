// Netplan-style network configuration version 2, as cloud-init's NoCloud reads it from the
// seed's network-config file. Checks the structure users get wrong; errors name the line.
#pragma once

#include <string_view>

#include "lib/cloudinit/path.h"
#include "lib/cloudinit/problem.h"

namespace sarga::cloudinit {

// Accepts the document bare (version: 2, ethernets: ...) or under a top-level `network:` key.
void validate_network_config(std::string_view text, const Path& path, Problems& out);

}  // namespace sarga::cloudinit
