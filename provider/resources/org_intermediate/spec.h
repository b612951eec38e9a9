// The organisation CA as configured: a typed view of the resource's config or plan, with
// every input problem reported against its attribute path.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "provider/cty/path.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/model.h"

namespace sarga::resources::org_intermediate {

enum class Backend { openbao, local };

// Key algorithms the resource offers; names as written in HCL.
struct KeyAlgorithm {
  std::string name;          // "ec-p256"
  std::string openbao_type;  // "ec" | "rsa" | "ed25519"
  int openbao_bits = 0;      // 256, 384, 2048..4096, 0 for ed25519
};
const std::vector<KeyAlgorithm>& key_algorithms();
const KeyAlgorithm* find_key_algorithm(const std::string& name);

// An issuing role on the organisation's mount (OpenBao only).
struct RoleSpec {
  std::vector<std::string> allowed_domains;  // defaults to the CA's permitted_dns_domains
  bool allow_subdomains = true;
  bool allow_bare_domains = true;
  std::optional<std::string> ttl, max_ttl;
  bool server_flag = true;
  bool client_flag = false;
  std::string key_type = "ec-p256";
};

struct OrgSpec {
  Backend backend = Backend::openbao;
  std::string name;
  std::string common_name;
  int64_t ttl_seconds = 0;
  int64_t renew_before_seconds = 0;
  bool rotate_key = false;
  std::string key_type = "ec-p256";
  std::optional<int64_t> max_path_length;  // nullopt: no constraint requested (unset != 0)
  std::vector<std::string> permitted_dns_domains;

  // backend "openbao"
  std::string mount;  // "pki_org_<name>" unless set
  std::string root_mount;
  std::string root_issuer;  // empty: the root mount's default issuer
  std::string key_ref;      // existing key in the organisation's mount
  std::optional<int64_t> mount_max_ttl_seconds;
  std::vector<std::string> issuing_certificates, crl_distribution_points;
  std::map<std::string, RoleSpec> roles;
  bool keep_mount_on_destroy = false;
  bool tidy_on_destroy = false;

  // backend "local" (write-only values are only present in config, never in plan/state)
  std::optional<std::string> root_certificate_pem, root_certificate_file;
  std::optional<std::string> root_key_pem, root_key_file;
  std::optional<std::string> private_key_file;
};

std::string default_mount(const std::string& name);

// Reads the spec from `m`. Unknown values are skipped (plan time) and reported as
// `complete = false`; problems are added to `diags` with attribute paths. `has_config`
// says whether write-only attributes are readable (config) or always null (plan/state).
struct SpecResult {
  OrgSpec spec;
  bool complete = true;
};
SpecResult read_spec(const framework::Model& m, bool has_config, framework::Diagnostics& diags);

// Domain `name` lies inside permitted subtree `base` (RFC 5280 4.2.1.10 for DNS names:
// equal, or ends with "." + base; a base with a leading dot only matches subdomains).
bool dns_within(const std::string& name, const std::string& base);

}  // namespace sarga::resources::org_intermediate
