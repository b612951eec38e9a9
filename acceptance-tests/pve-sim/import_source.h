// `import-from` on a disk (qemu-server's check_storage_access and drive parsing): what may be
// imported, by whom, and the size of the disk it makes.
#pragma once

#include <cstdint>
#include <string>

#include "acceptance-tests/pve-sim/router.h"

namespace sarga::pvesim {

// Checks every disk of `call` that has import-from, as PVE does before it creates anything:
// "<storage>:0" syntax, a volid source of content images or import (400 on the disk key),
// a filesystem path only for root@pam itself (tokens of root are refused), no cloud-init source.
void check_import_sources(SimCore& core, const std::string& node, const Call& call);

// Bytes of the disk an import of `source` creates: a qcow2's virtual size, else the volume's
// size; a filesystem path (root@pam only) is a file on the simulator's host.
uint64_t import_source_size(SimCore& core, const std::string& node, const std::string& source);

}  // namespace sarga::pvesim
