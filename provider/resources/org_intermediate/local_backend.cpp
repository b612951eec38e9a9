// Backend "local": the provider signs with a root certificate and key it is given (PEM
// values or files) and keeps the intermediate key in state (sensitive) or a 0600 file.
#include <chrono>
#include <filesystem>

#include "lib/pki/certificate.h"
#include "lib/pki/key.h"
#include "lib/pki/sign.h"
#include "provider/resources/org_intermediate/backend.h"
#include "provider/resources/org_intermediate/certificate_state.h"
#include "provider/resources/org_intermediate/key_file.h"

namespace sarga::resources::org_intermediate {
namespace {

using framework::Model;

cty::Path at(const char* name) { return cty::Path().attribute(name); }

// The signer: the first certificate of the root PEM (a bundle may follow it up to a root).
struct Root {
  std::vector<std::string> chain;  // PEMs, signer first
  pki::Certificate cert;
  pki::Key key;
};

std::string pem_from(const std::optional<std::string>& pem, const std::optional<std::string>& file,
                     const char* pem_attr, const char* file_attr) {
  if (pem) return *pem;
  if (!file)
    throw std::invalid_argument(std::string("set ") + pem_attr + " or " + file_attr +
                                " (write-only values must be in the configuration at each renewal)");
  auto text = read_text_file(*file);
  if (!text) throw std::invalid_argument(std::string(file_attr) + ": " + *file + " does not exist");
  return *text;
}

std::optional<Root> load_root(const OrgSpec& spec, framework::Diagnostics& diags) {
  std::string cert_pem, key_pem;
  try {
    cert_pem = pem_from(spec.root_certificate_pem, spec.root_certificate_file, "root_certificate_pem",
                        "root_certificate_file");
  } catch (const std::exception& e) {
    diags.error(at(spec.root_certificate_file ? "root_certificate_file" : "root_certificate_pem"),
                "Cannot read the root certificate", e.what());
    return std::nullopt;
  }
  try {
    key_pem = pem_from(spec.root_key_pem, spec.root_key_file, "root_key_pem", "root_key_file");
  } catch (const std::exception& e) {
    diags.error(at(spec.root_key_file ? "root_key_file" : "root_key_pem"), "Cannot read the root key", e.what());
    return std::nullopt;
  }
  const char* cert_attr = spec.root_certificate_file ? "root_certificate_file" : "root_certificate_pem";
  const char* key_attr = spec.root_key_file ? "root_key_file" : "root_key_pem";
  try {
    std::vector<pki::Certificate> certs = pki::Certificate::all_from_pem(cert_pem);
    Root root{{}, certs.front(), pki::Key::from_private_pem(key_pem)};
    for (const auto& c : certs) root.chain.push_back(c.pem());
    if (!root.cert.is_ca()) {
      diags.error(at(cert_attr), "Root certificate is not a CA",
                  "the certificate \"" + root.cert.subject() + "\" has no basicConstraints CA:TRUE.");
      return std::nullopt;
    }
    if (!root.cert.matches_key(root.key)) {
      diags.error(at(key_attr), "Root key does not match the root certificate",
                  "the private key is not the key of \"" + root.cert.subject() + "\".");
      return std::nullopt;
    }
    return root;
  } catch (const std::exception& e) {
    diags.error(at(cert_attr), "Invalid root certificate or key", std::string(e.what()) + " (" + cert_attr + ", " + key_attr + ")");
    return std::nullopt;
  }
}

// The intermediate's key: the file's when it exists, else the state's, else a new one.
pki::Key load_or_make_key(const OrgSpec& spec, const Model* prior, bool& fresh) {
  fresh = false;
  if (spec.private_key_file)
    if (auto text = read_text_file(*spec.private_key_file)) return pki::Key::from_private_pem(*text);
  if (prior)
    if (auto pem = prior->get_string("private_key_pem")) return pki::Key::from_private_pem(*pem);
  fresh = true;
  return pki::Key::generate(spec.key_type);
}

bool issue(const OrgSpec& spec, const Model* prior, Model& state, bool* created, framework::Diagnostics& diags) {
  std::optional<Root> root = load_root(spec, diags);
  if (!root) return false;
  bool fresh = false;
  std::optional<pki::Key> loaded;
  try {
    loaded = load_or_make_key(spec, prior, fresh);
  } catch (const std::exception& e) {
    diags.error(at("private_key_file"), "Cannot read the intermediate key", e.what());
    return false;
  }
  const pki::Key& key = *loaded;
  if (key.algorithm() != spec.key_type) {
    diags.error(at("key_type"), "Existing key has another type",
                "the intermediate key is " + key.algorithm() + " but key_type is " + spec.key_type +
                    "; set key_type to match or remove the key file to generate a new key.");
    return false;
  }
  auto not_after = std::chrono::system_clock::now() + std::chrono::seconds(spec.ttl_seconds);
  if (not_after > root->cert.not_after()) {
    diags.error(at("ttl"), "Intermediate would outlive the root",
                "ttl reaches " + pki::to_rfc3339(not_after) + " but the root certificate \"" + root->cert.subject() +
                    "\" expires at " + pki::to_rfc3339(root->cert.not_after()) + "; shorten ttl.");
    return false;
  }
  pki::IntermediateSpec is;
  is.common_name = spec.common_name;
  is.ttl = std::chrono::seconds(spec.ttl_seconds);
  if (spec.max_path_length) is.path_len = static_cast<int>(*spec.max_path_length);
  is.permitted_dns = spec.permitted_dns_domains;
  pki::Certificate cert = pki::sign_intermediate(key, root->cert, root->key, is);
  std::vector<std::string> problems = check_issued(cert.pem(), root->cert.pem(), spec);
  if (!problems.empty()) {
    std::string detail;
    for (const auto& p : problems) detail += "\n  - " + p;
    diags.error("Issued certificate does not match the configuration", "The local signer produced:" + detail);
    return false;
  }
  if (spec.private_key_file) {
    if (fresh) write_private_file(*spec.private_key_file, key.private_pem());
    state.set_null("private_key_pem");
  } else {
    state.set_string("private_key_pem", key.private_pem());
  }
  if (created) *created = true;
  store_certificate(state, cert.pem(), root->chain, spec.renew_before_seconds);
  return true;
}

class LocalBackend final : public CaBackend {
 public:
  void create(const OrgSpec& spec, const framework::Context&, Model& state, bool& created,
              framework::Diagnostics& diags) override {
    try {
      issue(spec, nullptr, state, &created, diags);
    } catch (const std::exception& e) {
      diags.error("Cannot issue the intermediate CA", e.what());
    }
  }

  void update(const OrgSpec& spec, const Model& prior, bool reissue, const framework::Context&, Model& state,
              framework::Diagnostics& diags) override {
    if (!reissue) return;
    try {
      issue(spec, &prior, state, nullptr, diags);
    } catch (const std::exception& e) {
      diags.error("Cannot re-issue the intermediate CA", e.what());
    }
  }

  bool read(const framework::Context&, Model& state, framework::Diagnostics& diags) override {
    auto file = state.get_string("private_key_file");
    auto cert = state.get_string("certificate");
    if (!file || !cert) return true;
    try {
      auto text = read_text_file(*file);
      if (!text) return false;  // key deleted outside OpenTofu: the CA is unusable, re-create
      if (!pki::Certificate::from_pem(*cert).matches_key(pki::Key::from_private_pem(*text))) return false;
    } catch (const std::exception& e) {
      diags.error(at("private_key_file"), "Cannot read the intermediate key", e.what());
    }
    return true;
  }

  void destroy(const Model& state, const framework::Context&, framework::Diagnostics& diags) override {
    auto file = state.get_string("private_key_file");
    if (!file) return;
    std::error_code ec;
    std::filesystem::remove(*file, ec);
    if (ec) diags.error(at("private_key_file"), "Cannot remove the intermediate key", *file + ": " + ec.message());
  }
};

}  // namespace

std::unique_ptr<CaBackend> make_local_backend() { return std::make_unique<LocalBackend>(); }

}  // namespace sarga::resources::org_intermediate
