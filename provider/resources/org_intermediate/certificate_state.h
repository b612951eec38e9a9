// The issued intermediate certificate: reading its facts, checking it against the spec
// (OpenBao ignores parameters it does not know, so nothing is trusted unchecked), and
// storing the computed attributes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "provider/framework/model.h"
#include "provider/resources/org_intermediate/renewal.h"
#include "provider/resources/org_intermediate/spec.h"

namespace sarga::resources::org_intermediate {

// Throws pki::Error when `pem` is not a certificate.
CertFacts facts_of(const std::string& pem);

// Every way `cert_pem` differs from what was asked: not a CA, wrong path length, name
// constraints missing / not critical / different, wrong common name, not signed by
// `issuer_pem`. Empty when it is right.
std::vector<std::string> check_issued(const std::string& cert_pem, const std::string& issuer_pem,
                                      const OrgSpec& spec);

// The chain from the intermediate up to the root: `cert_pem` first, then the issuers in
// order, each certificate once (same DER), whatever order and duplicates `others` has.
std::vector<std::string> chain_from(const std::string& cert_pem, const std::vector<std::string>& others);

// Sets certificate, ca_chain, serial, not_before, not_after, fingerprint and
// ready_for_renewal from the certificate and its chain.
void store_certificate(framework::Model& state, const std::string& cert_pem,
                       const std::vector<std::string>& chain_above, int64_t renew_before_seconds);

}  // namespace sarga::resources::org_intermediate
