// A local HTTPS test server (cpp-httplib) on 127.0.0.1 with a fresh self-signed
// certificate, for the HTTP and Proxmox client tests.
#pragma once

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <chrono>
#include <thread>

namespace sarga::testing {

struct SelfSigned {
  std::string cert_file, key_file;
  std::string fingerprint;  // "AA:BB:..." SHA-256 of the DER certificate
};

inline SelfSigned make_self_signed(const std::filesystem::path& dir, const std::string& cn = "127.0.0.1") {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, ("IP:" + cn).c_str());
  X509_add_ext(x, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(x, key, EVP_sha256());
  SelfSigned out{(dir / "cert.pem").string(), (dir / "key.pem").string(), ""};
  FILE* f = std::fopen(out.cert_file.c_str(), "w");
  PEM_write_X509(f, x);
  std::fclose(f);
  f = std::fopen(out.key_file.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  unsigned char md[32];
  unsigned int len = 0;
  X509_digest(x, EVP_sha256(), md, &len);
  char buf[4];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02X", md[i]);
    out.fingerprint += (i ? ":" : "") + std::string(buf);
  }
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

class TlsServer {
 public:
  TlsServer() {
    std::string t = (std::filesystem::temp_directory_path() / "sarga-tls-XXXXXX").string();
    dir_ = ::mkdtemp(t.data());
    cert_ = make_self_signed(dir_);
    server_ = std::make_unique<httplib::SSLServer>(cert_.cert_file.c_str(), cert_.key_file.c_str());
  }
  ~TlsServer() {
    stop();
    std::filesystem::remove_all(dir_);
  }
  httplib::SSLServer& http() { return *server_; }
  void start() {
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  void stop() {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const SelfSigned& cert() const { return cert_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  SelfSigned cert_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace sarga::testing
