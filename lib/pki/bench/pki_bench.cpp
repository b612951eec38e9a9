// Prints how long the in-process PKI operations take (local-mode org intermediates): key
// generation per type, signing an intermediate, parsing, and a full chain verification.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "lib/pki/certificate.h"
#include "lib/pki/chain.h"
#include "lib/pki/sign.h"

using namespace sarga::pki;
using Clock = std::chrono::steady_clock;

static void report(const char* what, int n, const std::function<void()>& f) {
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) f();
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count() / n;
  std::printf("%-40s %9.3f ms/op  (n=%d)\n", what, ms, n);
}

int main() {
  for (const char* spec : {"ec-p256", "ec-p384", "ed25519", "rsa-2048", "rsa-3072"}) {
    std::string label = std::string("generate ") + spec;
    report(label.c_str(), std::string(spec).rfind("rsa", 0) == 0 ? 5 : 200, [&] { Key::generate(spec); });
  }
  Key root_key = Key::generate("ec-p256");
  RootSpec rs;
  rs.common_name = "Bench Root";
  Certificate root = make_root(root_key, rs);
  Key sub = Key::generate("ec-p256");
  IntermediateSpec is;
  is.common_name = "Bench Org CA";
  is.path_len = 0;
  is.permitted_dns = {"orga.example.com"};
  Certificate inter = sign_intermediate(sub, root, root_key, is);
  report("sign_intermediate (ec-p256 issuer)", 500, [&] { sign_intermediate(sub, root, root_key, is); });
  std::string pem = inter.pem() + root.pem();
  report("all_from_pem (2-certificate bundle)", 2000, [&] { Certificate::all_from_pem(pem); });
  report("inspect (path_len + name_constraints)", 5000, [&] {
    (void)inter.path_len();
    (void)inter.name_constraints();
  });
  LeafSpec ls;
  ls.common_name = "www.orga.example.com";
  Certificate leaf = sign_leaf(Key::generate("ec-p256"), inter, sub, ls);
  report("verify_chain (leaf, 1 intermediate, root)", 2000,
         [&] { verify_chain(leaf, {inter}, root, "www.orga.example.com"); });
  return 0;
}
