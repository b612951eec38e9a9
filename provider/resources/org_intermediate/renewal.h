// When the organisation CA must be re-issued: renewal time, or a certificate that no
// longer matches the configuration. Pure decisions, so the plan logic is unit-tested.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "provider/resources/org_intermediate/spec.h"

namespace sarga::resources::org_intermediate {

// Seconds since the epoch; tests replace the clock (nullptr restores the system clock).
int64_t now_unix();
void set_clock_for_tests(std::function<int64_t()> clock);

// What the current certificate says, as far as the configuration can change it.
struct CertFacts {
  std::string common_name;
  std::optional<int64_t> path_len;           // nullopt: no pathLenConstraint
  std::vector<std::string> permitted_dns;    // from nameConstraints
  int64_t not_before = 0, not_after = 0;     // unix seconds
};

bool renewal_due(int64_t not_after, int64_t renew_before_seconds, int64_t now);

// Empty when the certificate already matches the spec; otherwise why it must be re-issued
// ("common_name changed", ...). An unset max_path_length accepts any path length, since
// OpenBao then derives one from the root.
std::string reissue_reason(const CertFacts& current, const OrgSpec& planned);

}  // namespace sarga::resources::org_intermediate
