// libFuzzer target: property strings and whole requests must never crash the validator.
#include <cstddef>
#include <cstdint>
#include <string>

#include "acceptance-tests/pve-sim/schema/schema.h"

using namespace sarga::pvesim::schema;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Schema& s = Schema::builtin();
  static const Endpoint* create = s.find("POST", "/nodes/{node}/qemu");
  static const Endpoint* lxc = s.find("POST", "/nodes/{node}/lxc");
  std::string input(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"net0", "scsi0", "ipconfig0", "agent", "startup", "efidisk0", "boot"})
    (void)s.parse_property_string(*create, name, input);
  for (const char* name : {"rootfs", "mp0", "net0", "features"})
    (void)s.parse_property_string(*lxc, name, input);
  Match m = s.match("POST", "/nodes/pve1/qemu");
  (void)s.validate(m, {{"vmid", input}, {"net1", input}, {"tags", input}, {"delete", input}});
  (void)s.match("GET", input);
  return 0;
}
