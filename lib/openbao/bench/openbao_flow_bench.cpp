// Prints how long the OpenBao org-intermediate flow takes against a real dev server:
// mount + generate (internal, ec-p256) + sign at the root + set-signed + read issuer.
#include <chrono>
#include <cstdio>

#include "lib/openbao/client.h"
#include "lib/openbao/tests/bao_dev_server.h"

using namespace sarga::openbao;
using Clock = std::chrono::steady_clock;

int main() {
  auto boot = Clock::now();
  testing::BaoDevServer server;
  std::printf("%-44s %9.1f ms\n", "bao dev server start to healthy",
              std::chrono::duration<double, std::milli>(Clock::now() - boot).count());
  Options o;
  o.address = server.address();
  o.token = server.root_token();
  Client c(o);
  c.mount("bench_root", MountConfig{"pki", "", "", "87600h"});
  GenerateRootRequest rr;
  rr.common_name = "Bench Root";
  rr.ttl = "87600h";
  rr.key_type = "ec";
  rr.key_bits = 256;
  std::string root_pem = c.generate_root("bench_root", rr).certificate;
  const int n = 20;
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    std::string m = "bench_org_" + std::to_string(i);
    c.mount(m, MountConfig{"pki", "", "", "43800h"});
    GenerateIntermediateRequest g;
    g.common_name = "Org " + std::to_string(i);
    g.key_type = "ec";
    g.key_bits = 256;
    GeneratedCsr csr = c.generate_intermediate(m, g);
    SignIntermediateRequest s;
    s.csr = csr.csr;
    s.common_name = g.common_name;
    s.ttl = "8760h";
    s.max_path_length = 0;
    s.permitted_dns_domains = {"org" + std::to_string(i) + ".example.com"};
    SignedCertificate cert = c.sign_intermediate("bench_root", s);
    SetSignedResult set = c.set_signed(m, cert.certificate + "\n" + root_pem);
    c.read_issuer(m, set.issuer_for_key(csr.key_id));
  }
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count() / n;
  std::printf("%-44s %9.1f ms/org  (n=%d)\n", "org intermediate flow (5 calls + mount)", ms, n);
  return 0;
}
