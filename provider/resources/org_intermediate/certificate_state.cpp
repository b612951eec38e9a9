#include "provider/resources/org_intermediate/certificate_state.h"

#include <algorithm>
#include <set>

#include "lib/pki/certificate.h"
#include "lib/pki/chain.h"

namespace sarga::resources::org_intermediate {
namespace {

int64_t unix_of(pki::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out.empty() ? "none" : out;
}

}  // namespace

CertFacts facts_of(const std::string& pem) {
  pki::Certificate c = pki::Certificate::from_pem(pem);
  CertFacts f;
  f.common_name = c.subject_cn();
  if (auto p = c.path_len()) f.path_len = *p;
  f.permitted_dns = c.permitted_dns();
  f.not_before = unix_of(c.not_before());
  f.not_after = unix_of(c.not_after());
  return f;
}

std::vector<std::string> check_issued(const std::string& cert_pem, const std::string& issuer_pem,
                                      const OrgSpec& spec) {
  std::vector<std::string> problems;
  pki::Certificate c = pki::Certificate::from_pem(cert_pem);
  if (!c.is_ca()) problems.push_back("basicConstraints CA:TRUE is missing");
  else if (!c.basic_constraints_critical()) problems.push_back("basicConstraints is not critical");
  if (spec.max_path_length && c.path_len() != std::optional<int>(static_cast<int>(*spec.max_path_length)))
    problems.push_back("pathLenConstraint is " + (c.path_len() ? std::to_string(*c.path_len()) : std::string("absent")) +
                       ", expected " + std::to_string(*spec.max_path_length));
  pki::NameConstraints nc = c.name_constraints();
  std::set<std::string> want(spec.permitted_dns_domains.begin(), spec.permitted_dns_domains.end());
  std::set<std::string> have(nc.permitted_dns.begin(), nc.permitted_dns.end());
  if (!want.empty()) {
    if (!nc.present) problems.push_back("nameConstraints are missing");
    else if (!nc.critical) problems.push_back("nameConstraints are not critical");
    if (want != have)
      problems.push_back("permitted DNS names are " + list(nc.permitted_dns) + ", expected " +
                         list(spec.permitted_dns_domains));
  } else if (nc.present) {
    problems.push_back("unexpected nameConstraints (" + list(nc.permitted_dns) + ")");
  }
  if (c.subject_cn() != spec.common_name)
    problems.push_back("subject CN is \"" + c.subject_cn() + "\", expected \"" + spec.common_name + "\"");
  if (!issuer_pem.empty() && !c.verify_signed_by(pki::Certificate::from_pem(issuer_pem)))
    problems.push_back("it is not signed by the root issuer");
  return problems;
}

std::vector<std::string> chain_from(const std::string& cert_pem, const std::vector<std::string>& others) {
  std::vector<pki::Certificate> all{pki::Certificate::from_pem(cert_pem)};
  for (const auto& pem : others)
    for (auto& c : pki::Certificate::all_from_pem(pem)) all.push_back(std::move(c));
  // Walk up from the intermediate, taking each issuer once.
  std::vector<pki::Certificate> chain{all.front()};
  while (!chain.back().is_self_issued()) {
    auto next = std::find_if(all.begin(), all.end(), [&](const pki::Certificate& c) {
      return chain.back().verify_signed_by(c) &&
             std::none_of(chain.begin(), chain.end(), [&](const pki::Certificate& x) { return x.same_as(c); });
    });
    if (next == all.end()) break;
    chain.push_back(*next);
  }
  std::vector<std::string> out;
  for (const auto& c : chain) out.push_back(c.pem());
  return out;
}

void store_certificate(framework::Model& state, const std::string& cert_pem,
                       const std::vector<std::string>& chain_above, int64_t renew_before_seconds) {
  pki::Certificate c = pki::Certificate::from_pem(cert_pem);
  state.set_string("certificate", c.pem());
  state.set_strings("ca_chain", chain_from(cert_pem, chain_above));
  state.set_string("serial", c.serial_colon_hex());
  state.set_string("not_before", pki::to_rfc3339(c.not_before()));
  state.set_string("not_after", pki::to_rfc3339(c.not_after()));
  state.set_string("fingerprint", c.sha256_fingerprint());
  state.set_bool("ready_for_renewal", renewal_due(unix_of(c.not_after()), renew_before_seconds, now_unix()));
}

}  // namespace sarga::resources::org_intermediate
