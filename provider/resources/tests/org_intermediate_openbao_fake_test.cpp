// Backend "openbao" against a loopback fake of the PKI endpoints, for what a real OpenBao
// does not do on demand: ignoring the constraint parameters (an old or foreign server).
// The resource must refuse the certificate, revoke it at the root and report the mount it
// made so OpenTofu taints instead of orphaning it. The real server is covered by
// acceptance-tests/provider/pki/test_pki_org_openbao.py.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <thread>

#include <openssl/x509.h>

#include "lib/pki/csr.h"
#include "lib/pki/sign.h"
#include "provider/framework/model.h"
#include "provider/framework/operations.h"
#include "provider/framework/provider.h"
#include "provider/resources/register.h"

namespace sarga::resources {
namespace {

using cty::Value;
using nlohmann::json;

// A root CA that signs every CSR while dropping pathlen and name constraints.
class ForgetfulBao {
 public:
  ForgetfulBao() {
    pki::RootSpec rs;
    rs.common_name = "Fake Root";
    root_.emplace(pki::make_root(root_key_, rs));
    server_.Get("/v1/pki_root/issuer/default", [this](const httplib::Request&, httplib::Response& res) {
      reply(res, 200, {{"data", {{"issuer_id", "root-id"}, {"key_id", "root-key"},
                                 {"certificate", root_->pem()}, {"ca_chain", {root_->pem()}}}}});
    });
    server_.Get("/v1/sys/mounts/pki_org_fake", [this](const httplib::Request&, httplib::Response& res) {
      reply(res, 400, {{"errors", {"No secret engine mount at pki_org_fake/"}}});
    });
    server_.Post("/v1/sys/mounts/pki_org_fake", [this](const httplib::Request&, httplib::Response& res) {
      note("mount");
      res.status = 204;
    });
    server_.Post("/v1/pki_org_fake/issuers/generate/intermediate/internal",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto body = json::parse(req.body);
                   pki::CsrSpec spec;
                   spec.common_name = body.at("common_name");
                   reply(res, 200, {{"data", {{"csr", pki::Csr::make(org_key_, spec).pem()}, {"key_id", "org-key"}}}});
                 });
    server_.Post("/v1/pki_root/root/sign-intermediate", [this](const httplib::Request& req, httplib::Response& res) {
      auto body = json::parse(req.body);
      sent_ = body;
      pki::IntermediateSpec spec;  // parameters "ignored": no pathlen, no name constraints
      spec.common_name = body.at("common_name");
      pki::Certificate cert = pki::sign_intermediate(pki::Csr::from_pem(body.at("csr").get<std::string>()), *root_,
                                                     root_key_, spec);
      serial_ = cert.serial_colon_hex();
      reply(res, 200, {{"data", {{"certificate", cert.pem()}, {"issuing_ca", root_->pem()},
                                 {"ca_chain", {cert.pem(), root_->pem()}}, {"serial_number", serial_},
                                 {"expiration", 0}}},
                       {"warnings", {"Endpoint ignored these unrecognized parameters: [permitted_dns_domains]"}}});
    });
    server_.Post("/v1/pki_root/revoke", [this](const httplib::Request& req, httplib::Response& res) {
      note("revoke " + json::parse(req.body).at("serial_number").get<std::string>());
      reply(res, 200, {{"data", {{"revocation_time", 1}}}});
    });
    server_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (res.status == 404) note("unexpected " + req.method + " " + req.path);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a loopback port for the fake OpenBao");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ForgetfulBao() {
    server_.stop();
    thread_.join();
  }

  std::string address() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  const json& sent() const { return sent_; }
  const std::string& serial() const { return serial_; }

 private:
  void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  }
  void note(const std::string& call) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(call);
  }

  pki::Key root_key_ = pki::Key::generate("ec-p256");
  pki::Key org_key_ = pki::Key::generate("ec-p256");
  std::optional<pki::Certificate> root_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> calls_;
  json sent_;
  std::string serial_;
};

TEST(OrgIntermediateOpenBaoFake, IgnoredConstraintsAreAnErrorAndTheCertificateIsRevoked) {
  ForgetfulBao bao;
  std::string address = bao.address();
  framework::Provider provider("0.1.0", [address](const std::string& name) -> std::optional<std::string> {
    if (name == "SARGA_BAO_ADDR") return address;
    if (name == "SARGA_BAO_TOKEN") return "test-token";
    return std::nullopt;
  });
  register_all(provider);
  framework::Operations ops(provider);
  const auto& schema = provider.find_resource("sarga_org_intermediate")->schema;

  framework::Model cfg(schema.null_object());
  cfg.set("backend", Value::string("openbao"));
  cfg.set("name", Value::string("fake"));
  cfg.set("common_name", Value::string("Fake Org CA"));
  cfg.set("root_mount", Value::string("pki_root"));
  cfg.set("max_path_length", Value::number_int(0));
  cfg.set("permitted_dns_domains", Value::set(cty::Type::string(), {Value::string("fake.example")}));
  Value null_state = Value::null(schema.implied_type());
  auto plan = ops.plan("sarga_org_intermediate", null_state, cfg.value(), cfg.value(), "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  auto applied = ops.apply("sarga_org_intermediate", null_state, plan.planned, cfg.value(), plan.planned_private);

  ASSERT_TRUE(applied.diagnostics.has_errors());
  std::string text = applied.diagnostics.to_string();
  EXPECT_NE(text.find("does not match the configuration"), std::string::npos) << text;
  EXPECT_NE(text.find("pathLenConstraint is absent, expected 0"), std::string::npos) << text;
  EXPECT_NE(text.find("nameConstraints are missing"), std::string::npos) << text;
  EXPECT_NE(text.find("It was revoked at the root"), std::string::npos) << text;
  EXPECT_NE(text.find("Endpoint ignored these unrecognized parameters"), std::string::npos)
      << "OpenBao's warnings are surfaced: " << text;
  EXPECT_EQ(bao.calls(), (std::vector<std::string>{"mount", "revoke " + bao.serial()}));
  // What was asked: pathlen 0 sent explicitly, the domains as given.
  EXPECT_EQ(bao.sent().at("max_path_length"), 0);
  EXPECT_EQ(bao.sent().at("permitted_dns_domains"), json::array({"fake.example"}));
  // The mount exists, so the partial state is kept (tainted) for destroy to clean up.
  ASSERT_FALSE(applied.state.is_null());
  EXPECT_EQ(framework::Model(applied.state).get_string("mount"), "pki_org_fake");
}

}  // namespace
}  // namespace sarga::resources
