#include "lib/pki/chain.h"

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "lib/pki/openssl_util.h"

namespace sarga::pki {
namespace {

bool issued(const Certificate& issuer, const Certificate& subject) {
  bool ok = X509_check_issued(issuer.get(), subject.get()) == X509_V_OK;
  detail::openssl_error();
  return ok;
}

}  // namespace

std::vector<Certificate> order_chain(const std::vector<Certificate>& certs) {
  std::vector<Certificate> unique;
  std::vector<std::string> ders;
  for (const auto& c : certs) {
    std::string der = c.der();
    bool seen = false;
    for (const auto& d : ders) seen = seen || d == der;
    if (!seen) {
      unique.push_back(c);
      ders.push_back(std::move(der));
    }
  }
  if (unique.empty()) return unique;
  // Follows issuers from `start` through the unused certificates; returns the path indexes.
  auto path_from = [&](std::size_t start) {
    std::vector<std::size_t> path{start};
    std::vector<bool> used(unique.size(), false);
    used[start] = true;
    for (bool found = true; found;) {
      found = false;
      for (std::size_t j = 0; j < unique.size() && !found; ++j) {
        if (!used[j] && issued(unique[j], unique[path.back()])) {
          path.push_back(j);
          used[j] = true;
          found = true;
        }
      }
    }
    return path;
  };
  // The leaf issued none of the others; among several such, the one with the longest path
  // wins (an unrelated certificate must not take the lead), ties keep input order.
  std::vector<std::size_t> best;
  for (std::size_t i = 0; i < unique.size(); ++i) {
    bool issued_other = false;
    for (std::size_t j = 0; j < unique.size() && !issued_other; ++j)
      issued_other = j != i && issued(unique[i], unique[j]);
    if (issued_other) continue;
    auto path = path_from(i);
    if (path.size() > best.size()) best = std::move(path);
  }
  if (best.empty()) best = path_from(0);  // every certificate issued another: a cycle
  std::vector<bool> used(unique.size(), false);
  std::vector<Certificate> out;
  for (auto i : best) {
    out.push_back(unique[i]);
    used[i] = true;
  }
  for (std::size_t j = 0; j < unique.size(); ++j)
    if (!used[j]) out.push_back(unique[j]);
  return out;
}

std::string to_pem_bundle(const std::vector<Certificate>& certs) {
  std::string out;
  for (const auto& c : certs) out += c.pem();
  return out;
}

VerifyResult verify_chain(const Certificate& leaf, const std::vector<Certificate>& chain, const Certificate& root,
                          const std::string& hostname, std::optional<TimePoint> at) {
  VerifyResult result;
  X509_STORE* store = X509_STORE_new();
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  auto cleanup = [&] {
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);  // the certificates belong to the Certificate objects
    X509_STORE_free(store);
  };
  if (!store || !untrusted || !ctx || X509_STORE_add_cert(store, root.get()) != 1) {
    cleanup();
    detail::fail("cannot set up certificate verification");
  }
  for (const auto& c : chain) sk_X509_push(untrusted, c.get());
  if (X509_STORE_CTX_init(ctx, store, leaf.get(), untrusted) != 1) {
    cleanup();
    detail::fail("cannot set up certificate verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  if (at) X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(*at));
  if (!hostname.empty()) X509_VERIFY_PARAM_set1_host(param, hostname.c_str(), hostname.size());
  result.ok = X509_verify_cert(ctx) == 1;
  if (!result.ok) {
    result.error_code = X509_STORE_CTX_get_error(ctx);
    result.error_depth = X509_STORE_CTX_get_error_depth(ctx);
    result.error = std::string(X509_verify_cert_error_string(result.error_code)) + " (at depth " +
                   std::to_string(result.error_depth) + ")";
  }
  detail::openssl_error();
  cleanup();
  return result;
}

}  // namespace sarga::pki
