#include "lib/openbao/client.h"

#include <algorithm>
#include <cctype>

namespace sarga::openbao {
namespace {

std::string trim_address(std::string a) {
  while (!a.empty() && a.back() == '/') a.pop_back();
  if (a.size() >= 3 && a.compare(a.size() - 3, 3, "/v1") == 0) a.resize(a.size() - 3);
  while (!a.empty() && a.back() == '/') a.pop_back();
  return a;
}

std::string clean_path(const std::string& method, std::string path) {
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  bool bad = path.empty() || path.find("..") != std::string::npos ||
             std::any_of(path.begin(), path.end(), [](unsigned char c) {
               return std::iscntrl(c) || std::isspace(c) || c == '?' || c == '#' || c == '%';
             });
  if (bad) throw Error(0, method, path, {}, "OpenBao " + method + ": invalid API path \"" + path + "\"");
  return path;
}

std::string str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (it->is_array()) {
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  } else if (it->is_string() && !it->get<std::string>().empty()) {
    std::string s = it->get<std::string>();
    for (std::size_t start = 0;;) {
      std::size_t comma = s.find(',', start);
      out.push_back(s.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

std::int64_t int64(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number()) return static_cast<std::int64_t>(it->get<double>());
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

bool boolean(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

void put_subject(nlohmann::json& body, const Subject& s) {
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty()) body[k] = v;
  };
  put("organization", s.organization);
  put("ou", s.ou);
  put("country", s.country);
  put("locality", s.locality);
  put("province", s.province);
  put("street_address", s.street_address);
  put("postal_code", s.postal_code);
}

// `extra` fills only what the typed fields left unset.
void merge_extra(nlohmann::json& body, const nlohmann::json& extra) {
  if (!extra.is_object()) return;
  for (auto it = extra.begin(); it != extra.end(); ++it)
    if (!body.contains(it.key())) body[it.key()] = it.value();
}

void require(const std::string& value, const char* field, const char* call) {
  if (value.empty()) throw std::invalid_argument(std::string(call) + ": " + field + " is required");
}

// Go's multierror text "1 error occurred:\n\t* a\n\t* b\n\n" -> {"a", "b"}.
void unwrap_multierror(const std::string& text, std::vector<std::string>& out) {
  if (text.find(" occurred:\n") == std::string::npos) {
    out.push_back(text);
    return;
  }
  for (std::size_t at = text.find("\t* "); at != std::string::npos; at = text.find("\t* ", at)) {
    at += 3;
    std::size_t end = text.find('\n', at);
    out.push_back(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
  }
}

bool mentions(const Error& e, const char* needle) {
  for (const auto& m : e.errors())
    if (m.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

Error make_error(const std::string& method, const std::string& path, long status, const std::string& body) {
  std::vector<std::string> errors;
  auto j = nlohmann::json::parse(body, nullptr, false);
  bool envelope = !j.is_discarded() && j.is_object() && j.contains("errors");
  if (envelope)
    for (const auto& e : strings(j, "errors")) unwrap_multierror(e, errors);
  std::string detail;
  for (const auto& e : errors) detail += (detail.empty() ? "" : "; ") + e;
  if (!envelope) {  // a proxy's page or plain text: show its start
    detail = body.substr(0, 200);
    while (!detail.empty() && std::isspace(static_cast<unsigned char>(detail.back()))) detail.pop_back();
  }
  std::string message = "OpenBao " + method + " " + path + ": HTTP " + std::to_string(status);
  if (!detail.empty()) message += ": " + detail;
  return Error(static_cast<int>(status), method, path, std::move(errors), message);
}

Client::Client(Options options)
    : options_(std::move(options)), http_([this] {
        options_.address = trim_address(options_.address);
        if (options_.address.rfind("http://", 0) != 0 && options_.address.rfind("https://", 0) != 0)
          throw std::invalid_argument("OpenBao address \"" + options_.address +
                                      "\" must start with http:// or https://");
        http::ClientOptions h;
        h.base_url = options_.address + "/v1";
        h.tls = options_.tls;
        h.timeout = options_.timeout;
        h.max_retries = options_.max_retries;
        h.cancel = options_.cancel;
        if (!options_.token.empty()) h.secrets.push_back(options_.token);
        h.debug_log = options_.log;
        return h;
      }()) {}

Response Client::request(const std::string& method, const std::string& path_in, const nlohmann::json& body) const {
  std::string path = clean_path(method, path_in);
  http::Request req;
  bool list = method == "LIST";
  req.method = list ? "GET" : method;
  req.path = "/" + path + (list ? "?list=true" : "");
  if (!options_.token.empty()) req.headers.emplace_back("X-Vault-Token", options_.token);
  if (!options_.namespace_.empty()) req.headers.emplace_back("X-Vault-Namespace", options_.namespace_);
  req.headers.emplace_back("X-Vault-Request", "true");
  req.cancelled = options_.cancelled;
  if (!body.is_null()) {
    req.body = body.dump();
    req.content_type = method == "PATCH" ? "application/merge-patch+json" : "application/json";
  }
  http::Response r;
  try {
    r = http_.send(req);
  } catch (const http::Error& e) {
    throw Error(0, method, path, {}, "OpenBao " + method + " " + path + ": " + e.what());
  }
  if (r.status >= 400 || r.status < 200) {
    Error e = make_error(method, path, r.status, r.body);
    std::string msg = http::redact(e.what(), {options_.token});
    throw Error(e.status(), method, path, e.errors(), msg);
  }
  Response out;
  out.status = static_cast<int>(r.status);
  if (r.status == 204 || r.body.empty()) return out;
  out.raw = nlohmann::json::parse(r.body, nullptr, false);
  if (out.raw.is_discarded())
    throw Error(static_cast<int>(r.status), method, path, {},
                "OpenBao " + method + " " + path + ": HTTP " + std::to_string(r.status) + " answer is not JSON");
  if (out.raw.is_object()) {
    if (auto it = out.raw.find("data"); it != out.raw.end()) out.data = *it;
    out.warnings = strings(out.raw, "warnings");
  }
  return out;
}

nlohmann::json Client::read(const std::string& path) const { return request("GET", path).data; }

std::optional<nlohmann::json> Client::try_read(const std::string& path) const {
  try {
    return read(path);
  } catch (const Error& e) {
    if (e.not_found()) return std::nullopt;
    throw;
  }
}

nlohmann::json Client::write(const std::string& path, const nlohmann::json& body) const {
  return request("POST", path, body).data;
}

std::vector<std::string> Client::list(const std::string& path) const {
  try {
    return strings(request("LIST", path).data, "keys");
  } catch (const Error& e) {
    if (e.not_found()) return {};  // OpenBao answers 404 for an empty list
    throw;
  }
}

void Client::del(const std::string& path) const { request("DELETE", path); }

std::string Client::read_raw(const std::string& path_in) const {
  std::string path = clean_path("GET", path_in);
  http::Request req;
  req.path = "/" + path;
  if (!options_.token.empty()) req.headers.emplace_back("X-Vault-Token", options_.token);
  if (!options_.namespace_.empty()) req.headers.emplace_back("X-Vault-Namespace", options_.namespace_);
  req.cancelled = options_.cancelled;
  http::Response r;
  try {
    r = http_.send(req);
  } catch (const http::Error& e) {
    throw Error(0, "GET", path, {}, "OpenBao GET " + path + ": " + e.what());
  }
  if (r.status >= 300) throw make_error("GET", path, r.status, r.body);
  return r.body;
}

bool Client::healthy() const {
  http::Request req;
  req.path = "/sys/health";
  try {
    http::Response r = http_.send(req);
    if (r.status != 200) return false;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return !j.is_discarded() && boolean(j, "initialized") && !boolean(j, "sealed") && !boolean(j, "standby");
  } catch (const http::Error&) {
    return false;
  }
}

void Client::mount(const std::string& path, const MountConfig& config) const {
  require(path, "path", "mount");
  nlohmann::json body{{"type", config.type}};
  if (!config.description.empty()) body["description"] = config.description;
  nlohmann::json c = nlohmann::json::object();
  if (!config.default_lease_ttl.empty()) c["default_lease_ttl"] = config.default_lease_ttl;
  if (!config.max_lease_ttl.empty()) c["max_lease_ttl"] = config.max_lease_ttl;
  if (!c.empty()) body["config"] = c;
  write("sys/mounts/" + path, body);
}

void Client::tune(const std::string& path, const MountTune& tune) const {
  require(path, "path", "tune");
  nlohmann::json body = nlohmann::json::object();
  if (tune.default_lease_ttl) body["default_lease_ttl"] = *tune.default_lease_ttl;
  if (tune.max_lease_ttl) body["max_lease_ttl"] = *tune.max_lease_ttl;
  if (tune.description) body["description"] = *tune.description;
  write("sys/mounts/" + path + "/tune", body);
}

void Client::unmount(const std::string& path) const {
  require(path, "path", "unmount");
  try {
    del("sys/mounts/" + path);
  } catch (const Error& e) {
    if (!e.not_found()) throw;
  }
}

std::optional<MountInfo> Client::mount_info(const std::string& path) const {
  require(path, "path", "mount_info");
  nlohmann::json data;
  try {
    data = read("sys/mounts/" + path);
  } catch (const Error& e) {
    // OpenBao answers 400 "No secret engine mount at <path>/" for a missing mount.
    bool missing = e.not_found();
    for (const auto& m : e.errors()) {
      std::string lower = m;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      missing = missing || lower.find("no secret engine mount") != std::string::npos;
    }
    if (missing) return std::nullopt;
    throw;
  }
  MountInfo info;
  info.raw = data;
  info.type = str(data, "type");
  info.description = str(data, "description");
  if (data.is_object() && data.contains("config")) {
    info.default_lease_ttl = int64(data["config"], "default_lease_ttl");
    info.max_lease_ttl = int64(data["config"], "max_lease_ttl");
  }
  return info;
}

bool Client::mount_exists(const std::string& path) const { return mount_info(path).has_value(); }

GeneratedRoot Client::generate_root(const std::string& mount, const GenerateRootRequest& req) const {
  require(mount, "mount", "generate_root");
  require(req.common_name, "common_name", "generate_root");
  nlohmann::json body{{"common_name", req.common_name}};
  if (!req.ttl.empty()) body["ttl"] = req.ttl;
  if (!req.key_type.empty()) body["key_type"] = req.key_type;
  if (req.key_bits) body["key_bits"] = req.key_bits;
  if (!req.issuer_name.empty()) body["issuer_name"] = req.issuer_name;
  body["max_path_length"] = req.max_path_length.value_or(-1);
  put_subject(body, req.subject);
  Response r = request("POST", mount + "/root/generate/internal", body);
  return {str(r.data, "certificate"), str(r.data, "issuer_id"),  str(r.data, "key_id"),
          str(r.data, "serial_number"), int64(r.data, "expiration"), r.warnings};
}

GeneratedCsr Client::generate_intermediate(const std::string& mount, const GenerateIntermediateRequest& req) const {
  require(mount, "mount", "generate_intermediate");
  require(req.common_name, "common_name", "generate_intermediate");
  if (req.type != "internal" && req.type != "existing" && req.type != "exported" && req.type != "kms")
    throw std::invalid_argument("generate_intermediate: type \"" + req.type +
                                "\" must be internal, existing, exported or kms");
  if (req.type == "existing") require(req.key_ref, "key_ref", "generate_intermediate (existing)");
  nlohmann::json body{{"common_name", req.common_name}};
  if (!req.key_type.empty() && req.type != "existing") body["key_type"] = req.key_type;
  if (req.key_bits && req.type != "existing") body["key_bits"] = req.key_bits;
  if (!req.key_ref.empty()) body["key_ref"] = req.key_ref;
  if (!req.key_name.empty()) body["key_name"] = req.key_name;
  put_subject(body, req.subject);
  merge_extra(body, req.extra);
  Response r = request("POST", mount + "/issuers/generate/intermediate/" + req.type, body);
  GeneratedCsr out{str(r.data, "csr"), str(r.data, "key_id"), str(r.data, "private_key"), r.warnings};
  if (out.csr.empty())
    throw Error(r.status, "POST", mount + "/issuers/generate/intermediate/" + req.type, {},
                "OpenBao generate intermediate on " + mount + ": the answer has no csr");
  return out;
}

SignedCertificate Client::sign_intermediate(const std::string& signing_mount, const SignIntermediateRequest& req) const {
  require(signing_mount, "signing mount", "sign_intermediate");
  require(req.csr, "csr", "sign_intermediate");
  require(req.common_name, "common_name", "sign_intermediate");
  if (req.max_path_length && *req.max_path_length < 0)
    throw std::invalid_argument("sign_intermediate: max_path_length must be >= 0 (nullopt = unset)");
  nlohmann::json body{{"csr", req.csr}, {"common_name", req.common_name}, {"format", "pem"}};
  if (!req.ttl.empty()) body["ttl"] = req.ttl;
  if (!req.not_after.empty()) body["not_after"] = req.not_after;
  body["max_path_length"] = req.max_path_length.value_or(-1);  // always explicit: unset != 0
  if (!req.permitted_dns_domains.empty()) body["permitted_dns_domains"] = req.permitted_dns_domains;
  body["use_csr_values"] = req.use_csr_values;
  put_subject(body, req.subject);
  merge_extra(body, req.extra);
  std::string path = req.issuer_ref.empty() ? signing_mount + "/root/sign-intermediate"
                                            : signing_mount + "/issuer/" + req.issuer_ref + "/sign-intermediate";
  Response r = request("POST", path, body);
  SignedCertificate out{str(r.data, "certificate"), str(r.data, "issuing_ca"), strings(r.data, "ca_chain"),
                        str(r.data, "serial_number"), int64(r.data, "expiration"), r.warnings};
  if (out.certificate.empty())
    throw Error(r.status, "POST", path, {}, "OpenBao POST " + path + ": the answer has no certificate");
  return out;
}

std::string SetSignedResult::issuer_for_key(const std::string& key_id) const {
  for (const auto& id : imported_issuers)
    if (auto it = mapping.find(id); it != mapping.end() && it->second == key_id) return id;
  return {};
}

SetSignedResult Client::set_signed(const std::string& mount, const std::string& pem_bundle) const {
  require(mount, "mount", "set_signed");
  require(pem_bundle, "certificate", "set_signed");
  Response r = request("POST", mount + "/intermediate/set-signed", nlohmann::json{{"certificate", pem_bundle}});
  SetSignedResult out;
  out.imported_issuers = strings(r.data, "imported_issuers");
  out.imported_keys = strings(r.data, "imported_keys");
  out.existing_issuers = strings(r.data, "existing_issuers");
  out.existing_keys = strings(r.data, "existing_keys");
  if (r.data.is_object() && r.data.contains("mapping") && r.data["mapping"].is_object())
    for (auto it = r.data["mapping"].begin(); it != r.data["mapping"].end(); ++it)
      out.mapping[it.key()] = it.value().is_string() ? it.value().get<std::string>() : std::string();
  out.warnings = r.warnings;
  return out;
}

IssuersConfig Client::read_issuers_config(const std::string& mount) const {
  nlohmann::json d = read(mount + "/config/issuers");
  return {str(d, "default"), boolean(d, "default_follows_latest_issuer")};
}

void Client::set_default_issuer(const std::string& mount, const std::string& issuer_ref,
                                std::optional<bool> default_follows_latest_issuer) const {
  require(issuer_ref, "issuer_ref", "set_default_issuer");
  nlohmann::json body{{"default", issuer_ref}};
  if (default_follows_latest_issuer) body["default_follows_latest_issuer"] = *default_follows_latest_issuer;
  write(mount + "/config/issuers", body);
}

std::optional<Issuer> Client::read_issuer(const std::string& mount, const std::string& ref) const {
  require(ref, "ref", "read_issuer");
  std::optional<nlohmann::json> d;
  try {
    d = try_read(mount + "/issuer/" + ref);
  } catch (const Error& e) {
    // An unknown reference (or "default" with none set) is a 500 from OpenBao, not a 404.
    if (e.status() == 500 &&
        (mentions(e, "unable to find PKI issuer") || mentions(e, "no default issuer currently configured")))
      return std::nullopt;
    throw;
  }
  if (!d) return std::nullopt;
  Issuer i;
  i.raw = *d;
  i.issuer_id = str(*d, "issuer_id");
  i.issuer_name = str(*d, "issuer_name");
  i.key_id = str(*d, "key_id");
  i.certificate = str(*d, "certificate");
  i.ca_chain = strings(*d, "ca_chain");
  i.manual_chain = strings(*d, "manual_chain");
  i.leaf_not_after_behavior = str(*d, "leaf_not_after_behavior");
  if (d->contains("usage") && (*d)["usage"].is_array()) {
    for (const auto& u : strings(*d, "usage")) i.usage += (i.usage.empty() ? "" : ",") + u;
  } else {
    i.usage = str(*d, "usage");
  }
  return i;
}

std::vector<std::string> Client::list_issuers(const std::string& mount) const { return list(mount + "/issuers"); }

void Client::patch_issuer(const std::string& mount, const std::string& ref, const nlohmann::json& fields) const {
  require(ref, "ref", "patch_issuer");
  request("PATCH", mount + "/issuer/" + ref, fields);
}

void Client::revoke_issuer(const std::string& mount, const std::string& ref) const {
  require(ref, "ref", "revoke_issuer");
  write(mount + "/issuer/" + ref + "/revoke");
}

void Client::write_urls(const std::string& mount, const UrlsConfig& urls) const {
  write(mount + "/config/urls", nlohmann::json{{"issuing_certificates", urls.issuing_certificates},
                                               {"crl_distribution_points", urls.crl_distribution_points},
                                               {"ocsp_servers", urls.ocsp_servers},
                                               {"enable_templating", urls.enable_templating}});
}

UrlsConfig Client::read_urls(const std::string& mount) const {
  nlohmann::json d = read(mount + "/config/urls");
  return {strings(d, "issuing_certificates"), strings(d, "crl_distribution_points"), strings(d, "ocsp_servers"),
          boolean(d, "enable_templating")};
}

void Client::write_role(const std::string& mount, const std::string& name, const nlohmann::json& params) const {
  require(name, "name", "write_role");
  write(mount + "/roles/" + name, params);
}

std::optional<nlohmann::json> Client::read_role(const std::string& mount, const std::string& name) const {
  require(name, "name", "read_role");
  return try_read(mount + "/roles/" + name);
}

void Client::delete_role(const std::string& mount, const std::string& name) const {
  require(name, "name", "delete_role");
  del(mount + "/roles/" + name);
}

IssuedCertificate Client::issue(const std::string& mount, const std::string& role, const IssueRequest& req) const {
  require(role, "role", "issue");
  require(req.common_name, "common_name", "issue");
  nlohmann::json body{{"common_name", req.common_name}, {"format", "pem"}};
  if (!req.alt_names.empty()) {
    std::string joined;
    for (const auto& a : req.alt_names) joined += (joined.empty() ? "" : ",") + a;
    body["alt_names"] = joined;
  }
  if (!req.ip_sans.empty()) body["ip_sans"] = req.ip_sans;
  if (!req.ttl.empty()) body["ttl"] = req.ttl;
  merge_extra(body, req.extra);
  std::string path = req.issuer_ref.empty() ? mount + "/issue/" + role : mount + "/issuer/" + req.issuer_ref + "/issue/" + role;
  Response r = request("POST", path, body);
  IssuedCertificate out;
  out.certificate = str(r.data, "certificate");
  out.issuing_ca = str(r.data, "issuing_ca");
  out.private_key = str(r.data, "private_key");
  out.private_key_type = str(r.data, "private_key_type");
  out.serial_number = str(r.data, "serial_number");
  out.ca_chain = strings(r.data, "ca_chain");
  out.expiration = int64(r.data, "expiration");
  out.warnings = r.warnings;
  return out;
}

std::int64_t Client::revoke(const std::string& mount, const std::string& serial_number) const {
  require(serial_number, "serial_number", "revoke");
  return int64(write(mount + "/revoke", nlohmann::json{{"serial_number", serial_number}}), "revocation_time");
}

void Client::tidy(const std::string& mount, const TidyRequest& req) const {
  nlohmann::json body{{"tidy_cert_store", req.tidy_cert_store},
                      {"tidy_revoked_certs", req.tidy_revoked_certs},
                      {"tidy_expired_issuers", req.tidy_expired_issuers}};
  if (!req.safety_buffer.empty()) body["safety_buffer"] = req.safety_buffer;
  if (!req.issuer_safety_buffer.empty()) body["issuer_safety_buffer"] = req.issuer_safety_buffer;
  write(mount + "/tidy", body);
}

std::string Client::read_crl_pem(const std::string& mount, const std::string& issuer_ref) const {
  return read_raw(issuer_ref.empty() ? mount + "/crl/pem" : mount + "/issuer/" + issuer_ref + "/crl/pem");
}

}  // namespace sarga::openbao
