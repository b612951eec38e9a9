#include "provider/resources/org_intermediate/schema.h"

#include "provider/framework/validators.h"

namespace sarga::resources::org_intermediate {

using framework::Attribute;
namespace validators = framework::validators;

const std::vector<const char*>& certificate_attributes() {
  static const std::vector<const char*> names = {
      "certificate", "ca_chain", "serial", "not_before", "not_after",
      "fingerprint", "issuer_id", "ready_for_renewal"};
  return names;
}

framework::Schema resource_schema() {
  framework::Schema s;
  s.description =
      "An organisation's own intermediate certificate authority under a shared root, limited to "
      "the organisation's DNS domains (critical name constraints) and path length, renewed "
      "before it expires and revoked at the root when destroyed.\n\n"
      "Two backends: `openbao` keeps the key inside an OpenBao (or Vault) PKI mount "
      "(`pki_org_<name>` unless `mount` is set) signed by a root mount; `local` signs with a "
      "root certificate and key given to the provider and keeps the intermediate key in a "
      "sensitive attribute or a 0600 file. Every certificate returned is checked with OpenSSL "
      "(CA flag, path length, name constraints, signature); a mismatch is an error.\n\n"
      "Renewal: when `renew_before` of the lifetime is left, refresh sets `ready_for_renewal` "
      "and the next apply re-issues the certificate in place with the same key (OpenBao: "
      "`issuers/generate/intermediate/existing`, sign, set-signed, new default issuer), or "
      "replaces the resource with a new key when `rotate_key` is set. Changing `common_name`, "
      "`max_path_length` or `permitted_dns_domains` also re-issues in place.\n\n"
      "Import (OpenBao) by mount path: `tofu import sarga_org_intermediate.x pki_org_acme`.";
  s.block.attributes = {
      Attribute::string("id").computed().use_state_for_unknown().describe(
          "OpenBao: the mount path. Local: `local/<name>`."),
      Attribute::string("backend").required()
          .validate(validators::one_of({"openbao", "local"}))
          .describe("`openbao` or `local`. Changing it replaces the resource."),
      Attribute::string("name").required()
          .validate(validators::matches("[a-z0-9][a-z0-9_-]{0,62}", "a lowercase organisation name (letters, digits, _ and -)"))
          .describe("Short organisation name; the default mount is `pki_org_<name>`. Changing it replaces the resource."),
      Attribute::string("common_name").required().validate(validators::string_length(1, 64))
          .describe("Subject common name of the intermediate, e.g. `Acme Intermediate CA`. Changing it re-issues the certificate in place."),
      Attribute::string("ttl").optional().default_value(cty::Value::string("8760h"))
          .describe("Lifetime of each issued certificate: `8760h`, `365d`, `90m`, ... Applies from the next issuance. OpenBao caps it at the root mount's max lease TTL; the local backend refuses a lifetime past the root's."),
      Attribute::string("renew_before").optional().default_value(cty::Value::string("720h"))
          .describe("Re-issue when less than this is left before `not_after`. Must be shorter than `ttl`."),
      Attribute::boolean("rotate_key").optional().default_value(cty::Value::boolean(false))
          .describe("Renew with a new key, which replaces the resource (OpenBao: the old certificate is revoked with the old mount). Default: keep the key and renew in place."),
      Attribute::string("key_type").optional().default_value(cty::Value::string("ec-p256"))
          .validate(validators::one_of({"ec-p256", "ec-p384", "rsa-2048", "rsa-3072", "rsa-4096", "ed25519"}))
          .describe("Key algorithm: `ec-p256`, `ec-p384`, `rsa-2048`, `rsa-3072`, `rsa-4096` or `ed25519`. Changing it replaces the resource."),
      Attribute::number("max_path_length").optional()
          .describe("pathLenConstraint of the intermediate. `0` (usual for an organisation CA): it may only issue leaves. Unset: no constraint of its own (OpenBao: one less than the root's, if the root has one). Unset and `0` differ."),
      Attribute::set_of("permitted_dns_domains", cty::Type::string()).optional()
          .describe("DNS domains the CA may issue for, as critical nameConstraints (`example.com` covers the domain and its subdomains, `.example.com` only subdomains). Changing them re-issues in place."),

      // backend "openbao"
      Attribute::string("mount").optional().computed().use_state_for_unknown()
          .describe("OpenBao: path of the organisation's PKI mount. Default `pki_org_<name>`. Changing it replaces the resource."),
      Attribute::string("root_mount").optional()
          .describe("OpenBao: path of the root PKI mount that signs the intermediate (required for `openbao`)."),
      Attribute::string("root_issuer").optional()
          .describe("OpenBao: issuer name or id at `root_mount` that signs. Default: the mount's default issuer."),
      Attribute::string("key_ref").optional()
          .describe("OpenBao: use this existing key (name or id) in an existing `mount` instead of generating one. The key never leaves OpenBao either way."),
      Attribute::string("mount_max_ttl").optional()
          .describe("OpenBao: max lease TTL of the organisation's mount (caps leaf certificates). Default: `ttl`."),
      Attribute::list_of("issuing_certificates", cty::Type::string()).optional()
          .describe("OpenBao: AIA issuing-certificate URLs written to the mount's `config/urls`, carried by leaves."),
      Attribute::list_of("crl_distribution_points", cty::Type::string()).optional()
          .describe("OpenBao: CRL distribution point URLs written to the mount's `config/urls`, carried by leaves."),
      Attribute::nested("roles", framework::Nesting::Map, {
          Attribute::set_of("allowed_domains", cty::Type::string()).optional()
              .describe("Domains leaves may be issued for; each must lie inside `permitted_dns_domains`. Default: `permitted_dns_domains`."),
          Attribute::boolean("allow_subdomains").optional().describe("Allow subdomains of `allowed_domains` (default true)."),
          Attribute::boolean("allow_bare_domains").optional().describe("Allow the domains themselves (default true)."),
          Attribute::string("ttl").optional().describe("Default leaf lifetime (the mount's default when unset). A leaf that would outlive the CA is cut to the CA's `not_after` (issuer `leaf_not_after_behavior = truncate`)."),
          Attribute::string("max_ttl").optional().describe("Longest leaf lifetime."),
          Attribute::boolean("server_flag").optional().describe("serverAuth usage (default true)."),
          Attribute::boolean("client_flag").optional().describe("clientAuth usage (default false)."),
          Attribute::string("key_type").optional().describe("Leaf key algorithm, as `key_type` (default `ec-p256`)."),
      }).optional().describe("OpenBao: issuing roles on the organisation's mount, keyed by role name (`<mount>/issue/<role>`)."),
      Attribute::boolean("keep_mount_on_destroy").optional().default_value(cty::Value::boolean(false))
          .describe("OpenBao: on destroy, revoke but keep the mount (and its issued certificates) instead of disabling it."),
      Attribute::boolean("tidy_on_destroy").optional().default_value(cty::Value::boolean(false))
          .describe("OpenBao: on destroy, run `tidy` on the root mount (expired and revoked certificates)."),
      Attribute::string("key_id").computed().use_state_for_unknown()
          .describe("OpenBao: id of the intermediate's key in the mount."),
      Attribute::string("issuer_id").computed().use_state_for_unknown()
          .describe("OpenBao: id of the current (default) issuer in the mount."),

      // backend "local"
      Attribute::string("root_certificate_pem").optional().write_only()
          .describe("Local: PEM of the root certificate (write-only: needed again at each renewal). Or `root_certificate_file`."),
      Attribute::string("root_certificate_file").optional()
          .describe("Local: path of the PEM root certificate."),
      Attribute::string("root_key_pem").optional().sensitive().write_only()
          .describe("Local: PEM of the root private key (write-only, never stored). Or `root_key_file`."),
      Attribute::string("root_key_file").optional()
          .describe("Local: path of the PEM root private key."),
      Attribute::string("private_key_file").optional()
          .describe("Local: write the intermediate's key to this file (mode 0600) instead of `private_key_pem`; an existing key file is used as is. Destroy deletes the file. Changing it replaces the resource."),
      Attribute::string("private_key_pem").computed().sensitive().use_state_for_unknown()
          .describe("Local: the intermediate's private key (PKCS#8 PEM) when `private_key_file` is not set."),

      // the issued certificate
      Attribute::string("certificate").computed().use_state_for_unknown().describe("PEM of the intermediate certificate."),
      Attribute::list_of("ca_chain", cty::Type::string()).computed().use_state_for_unknown()
          .describe("PEM certificates from the intermediate up to the root, without duplicates."),
      Attribute::string("serial").computed().use_state_for_unknown().describe("Serial number, colon-separated lowercase hex (as OpenBao writes it)."),
      Attribute::string("not_before").computed().use_state_for_unknown().describe("Start of validity (RFC 3339, UTC)."),
      Attribute::string("not_after").computed().use_state_for_unknown().describe("End of validity (RFC 3339, UTC)."),
      Attribute::string("fingerprint").computed().use_state_for_unknown().describe("SHA-256 fingerprint of the certificate (`AA:BB:...`)."),
      Attribute::boolean("ready_for_renewal").computed().use_state_for_unknown()
          .describe("True once less than `renew_before` is left; the next plan then re-issues."),
  };
  return s;
}

}  // namespace sarga::resources::org_intermediate
