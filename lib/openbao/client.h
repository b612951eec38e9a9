// OpenBao (and Vault) HTTP API client on lib/http: token header, X-Vault-Namespace, TLS
// settings, the JSON envelope, and typed calls for the PKI intermediate flow. Errors carry
// the HTTP status and OpenBao's `errors` list, never the token. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/http/http.h"

namespace sarga::openbao {

struct Options {
  std::string address;     // http(s)://host:8200 (a trailing "/" or "/v1" is accepted)
  std::string token;       // sent as X-Vault-Token; redacted from every message
  std::string namespace_;  // X-Vault-Namespace when non-empty ("ns1/ns2")
  http::TlsOptions tls;    // verification on unless tls.insecure
  std::chrono::milliseconds timeout{60'000};
  int max_retries = 3;     // idempotent calls only (GET/LIST/DELETE)
  std::atomic<bool>* cancel = nullptr;          // process-wide stop
  std::function<bool()> cancelled;              // per-client stop (e.g. the RPC's cancel token)
  std::function<void(const std::string&)> log;  // redacted debug lines
};

class Error : public std::runtime_error {
 public:
  // status 0: transport, TLS, timeout or cancellation (the message says which), or an
  // invalid API path; otherwise the HTTP status (a 2xx only for a non-JSON answer).
  Error(int status, std::string method, std::string path, std::vector<std::string> errors, const std::string& message)
      : std::runtime_error(message), status_(status), method_(std::move(method)), path_(std::move(path)),
        errors_(std::move(errors)) {}
  int status() const { return status_; }
  const std::string& method() const { return method_; }
  const std::string& path() const { return path_; }  // API path without /v1
  // OpenBao's `errors`, Go multierror lists split into their items.
  const std::vector<std::string>& errors() const { return errors_; }
  bool not_found() const { return status_ == 404; }
  bool forbidden() const { return status_ == 403; }

 private:
  int status_;
  std::string method_, path_;
  std::vector<std::string> errors_;
};

// Whole envelope of a successful call.
struct Response {
  int status = 0;
  nlohmann::json data;                // null for 204 / no data
  std::vector<std::string> warnings;  // OpenBao's `warnings` (treat as first-class)
  nlohmann::json raw;                 // the whole body (null for 204)
};

struct MountConfig {
  std::string type = "pki";
  std::string description;
  std::string default_lease_ttl;  // duration string ("8760h"); empty: server default
  std::string max_lease_ttl;
};

struct MountInfo {
  std::string type;
  std::string description;
  std::int64_t default_lease_ttl = 0;  // seconds (0: system default)
  std::int64_t max_lease_ttl = 0;
  nlohmann::json raw;
};

struct MountTune {
  std::optional<std::string> default_lease_ttl;  // duration strings
  std::optional<std::string> max_lease_ttl;
  std::optional<std::string> description;
};

struct Subject {  // optional DN fields, sent only when non-empty
  std::string organization, ou, country, locality, province, street_address, postal_code;
};

struct GenerateRootRequest {  // tests and bootstrap: POST <mount>/root/generate/internal
  std::string common_name;
  std::string ttl;
  std::string key_type;  // "rsa" | "ec" | "ed25519"; empty: server default
  int key_bits = 0;
  std::string issuer_name;
  std::optional<int> max_path_length;
  Subject subject;
};

struct GeneratedRoot {
  std::string certificate, issuer_id, key_id, serial_number;
  std::int64_t expiration = 0;
  std::vector<std::string> warnings;
};

struct GenerateIntermediateRequest {
  std::string type = "internal";  // internal | existing | exported
  std::string common_name;        // required
  std::string key_type;           // rsa | ec | ed25519 (not for existing)
  int key_bits = 0;
  std::string key_ref;            // required for existing (key id or name)
  std::string key_name;           // name for a new key
  Subject subject;
  nlohmann::json extra = nlohmann::json::object();  // more parameters, sent as-is
};

struct GeneratedCsr {
  std::string csr;
  std::string key_id;
  std::string private_key;  // only for type "exported"
  std::vector<std::string> warnings;
};

struct SignIntermediateRequest {
  std::string issuer_ref;   // empty: <mount>/root/sign-intermediate (default issuer)
  std::string csr;          // required
  std::string common_name;  // required
  std::string ttl;          // duration string; capped by the signing mount's max_lease_ttl
  std::string not_after;    // "YYYY-MM-ddTHH:MM:SSZ"; wins over ttl
  std::optional<int> max_path_length;  // always sent: -1 when nullopt (unset), 0 = literal zero
  std::vector<std::string> permitted_dns_domains;
  bool use_csr_values = false;
  Subject subject;
  nlohmann::json extra = nlohmann::json::object();
};

struct SignedCertificate {
  std::string certificate;              // PEM
  std::string issuing_ca;               // PEM
  std::vector<std::string> ca_chain;    // as returned: new cert first, then the signer's chain
  std::string serial_number;            // colon hex
  std::int64_t expiration = 0;          // unix seconds
  std::vector<std::string> warnings;
};

// A bundle "intermediate + root" imports the root too, as an issuer without a key: use
// issuer_for_key(csr key_id) to find the new intermediate's issuer id.
struct SetSignedResult {
  std::vector<std::string> imported_issuers, imported_keys, existing_issuers, existing_keys;
  std::map<std::string, std::string> mapping;  // issuer id -> key id ("" when keyless)
  std::vector<std::string> warnings;
  std::string issuer_for_key(const std::string& key_id) const;  // "" when none was imported
};

struct IssuersConfig {
  std::string default_issuer;
  bool default_follows_latest_issuer = false;
};

struct UrlsConfig {
  std::vector<std::string> issuing_certificates, crl_distribution_points, ocsp_servers;
  bool enable_templating = false;
};

struct Issuer {
  std::string issuer_id, issuer_name, key_id, certificate;
  std::vector<std::string> ca_chain, manual_chain;
  std::string leaf_not_after_behavior;
  std::string usage;  // comma list as OpenBao returns it
  nlohmann::json raw;
};

struct IssueRequest {
  std::string common_name;
  std::vector<std::string> alt_names, ip_sans;
  std::string ttl;
  std::string issuer_ref;  // empty: role's / default issuer
  nlohmann::json extra = nlohmann::json::object();
};

struct IssuedCertificate {
  std::string certificate, issuing_ca, private_key, private_key_type, serial_number;
  std::vector<std::string> ca_chain;
  std::int64_t expiration = 0;
  std::vector<std::string> warnings;
};

struct TidyRequest {
  bool tidy_cert_store = true;
  bool tidy_revoked_certs = true;
  bool tidy_expired_issuers = false;
  std::string safety_buffer;  // duration; empty: server default (72h)
  std::string issuer_safety_buffer;
};

class Client {
 public:
  explicit Client(Options options);  // throws std::invalid_argument on a bad address

  // Generic calls on /v1/<path>; return the envelope's `data` (null when none). Throw Error.
  Response request(const std::string& method, const std::string& path,
                   const nlohmann::json& body = nullptr) const;
  nlohmann::json read(const std::string& path) const;                      // GET
  std::optional<nlohmann::json> try_read(const std::string& path) const;   // GET; nullopt on 404
  nlohmann::json write(const std::string& path, const nlohmann::json& body = nlohmann::json::object()) const;  // POST
  std::vector<std::string> list(const std::string& path) const;  // LIST (GET ?list=true); [] on 404
  void del(const std::string& path) const;                       // DELETE
  // GET of a raw (non-JSON) endpoint such as <mount>/crl/pem; 404 -> Error.
  std::string read_raw(const std::string& path) const;

  // sys/health: true when initialized, unsealed and active.
  bool healthy() const;

  // Mounts (sys/mounts).
  void mount(const std::string& path, const MountConfig& config) const;
  void tune(const std::string& path, const MountTune& tune) const;
  void unmount(const std::string& path) const;  // no error when absent
  bool mount_exists(const std::string& path) const;
  std::optional<MountInfo> mount_info(const std::string& path) const;  // with the tuned TTLs

  // PKI. Missing required request fields throw std::invalid_argument before any call.
  GeneratedRoot generate_root(const std::string& mount, const GenerateRootRequest& req) const;
  GeneratedCsr generate_intermediate(const std::string& mount, const GenerateIntermediateRequest& req) const;
  SignedCertificate sign_intermediate(const std::string& signing_mount, const SignIntermediateRequest& req) const;
  SetSignedResult set_signed(const std::string& mount, const std::string& pem_bundle) const;
  IssuersConfig read_issuers_config(const std::string& mount) const;
  void set_default_issuer(const std::string& mount, const std::string& issuer_ref,
                          std::optional<bool> default_follows_latest_issuer = std::nullopt) const;
  // nullopt when the mount is gone (404), the ref is unknown or "default" has none set (500s).
  std::optional<Issuer> read_issuer(const std::string& mount, const std::string& ref) const;
  std::vector<std::string> list_issuers(const std::string& mount) const;
  void patch_issuer(const std::string& mount, const std::string& ref, const nlohmann::json& fields) const;
  void revoke_issuer(const std::string& mount, const std::string& ref) const;
  void write_urls(const std::string& mount, const UrlsConfig& urls) const;
  UrlsConfig read_urls(const std::string& mount) const;
  void write_role(const std::string& mount, const std::string& name, const nlohmann::json& params) const;
  std::optional<nlohmann::json> read_role(const std::string& mount, const std::string& name) const;
  void delete_role(const std::string& mount, const std::string& name) const;
  IssuedCertificate issue(const std::string& mount, const std::string& role, const IssueRequest& req) const;
  std::int64_t revoke(const std::string& mount, const std::string& serial_number) const;  // revocation_time
  void tidy(const std::string& mount, const TidyRequest& req) const;
  std::string read_crl_pem(const std::string& mount, const std::string& issuer_ref = {}) const;

  const Options& options() const { return options_; }

 private:
  Options options_;
  http::Client http_;
};

// Error text from a failed response: "OpenBao <METHOD> <path>: HTTP <status>: <errors; joined>".
Error make_error(const std::string& method, const std::string& path, long status, const std::string& body);

}  // namespace sarga::openbao
