// libFuzzer target for pve-sim's own decoders of outside input: UPIDs, property strings,
// sizes, tag lists, cluster files and state snapshots (the schema library fuzzes itself).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "acceptance-tests/pve-sim/cluster_config.h"
#include "acceptance-tests/pve-sim/prop_string.h"
#include "acceptance-tests/pve-sim/sim_core.h"
#include "acceptance-tests/pve-sim/tags.h"
#include "acceptance-tests/pve-sim/upid.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sarga::pvesim;
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto u = parse_upid(text)) {
    if (parse_upid(format_upid(*u))->node != u->node) __builtin_trap();
  }
  auto p = parse_prop_string(text, "file");
  (void)print_prop_string(p);
  (void)parse_size(text, 'G');
  std::string tags = normalize_tags(text, GuestKind::lxc);
  if (normalize_tags(tags, GuestKind::lxc) != tags) __builtin_trap();  // idempotent
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded()) {
    try {
      ClusterConfig::from_json(j, "fuzz.json");
    } catch (const std::exception&) {
    }
    static SimCore core(ClusterConfig::default_cluster());
    try {
      std::unique_lock lk(core.mutex);
      core.restore(j);
      (void)core.snapshot();
      (void)core.build_resources();
    } catch (const std::exception&) {
    }
  }
  return 0;
}
