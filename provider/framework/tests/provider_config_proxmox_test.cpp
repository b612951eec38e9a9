// The proxmox block: ticket auth settings, fingerprint pinning, concurrency limit.
#include <gtest/gtest.h>

#include "provider/framework/provider_config.h"

namespace sarga::framework {
namespace {

EnvLookup vars(std::map<std::string, std::string> v) {
  return [v = std::move(v)](const std::string& name) -> std::optional<std::string> {
    auto it = v.find(name);
    if (it == v.end()) return std::nullopt;
    return it->second;
  };
}

cty::Value proxmox_block(std::map<std::string, cty::Value> set) {
  cty::Value v = ProviderConfig::schema().null_object();
  cty::Type bt = v.type().attribute_type("proxmox");
  cty::Value::Attributes attrs;
  for (const auto& [name, t] : bt.attribute_types()) attrs.emplace(name, cty::Value::null(t));
  for (auto& [k, x] : set) attrs[k] = x;
  cty::Value::Attributes top = v.attributes();
  top["proxmox"] = cty::Value::object(std::move(attrs));
  return cty::Value::object(std::move(top));
}

const char* kFp = "70:24:E5:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:D9:E6";

TEST(ProxmoxConfig, TicketAuthFromEnvironment) {
  auto c = ProviderConfig::from(cty::Value(), vars({{"PROXMOX_VE_ENDPOINT", "https://pve:8006"},
                                                    {"PROXMOX_VE_USERNAME", "root@pam"},
                                                    {"SARGA_PROXMOX_PASSWORD", "pw"},
                                                    {"SARGA_PROXMOX_FINGERPRINT", kFp},
                                                    {"SARGA_PROXMOX_MAX_CONCURRENT", "3"}}));
  Diagnostics diags;
  const ProxmoxSettings* s = c.require_proxmox("sarga_vm", diags);
  ASSERT_NE(s, nullptr) << diags.to_string();
  EXPECT_EQ(s->username, "root@pam");
  EXPECT_EQ(s->password, "pw");
  EXPECT_EQ(s->fingerprint, kFp);
  EXPECT_EQ(s->max_concurrent_requests, 3);
  EXPECT_TRUE(s->api_token.empty());
}

TEST(ProxmoxConfig, DefaultsAndHclNumbers) {
  auto d = ProviderConfig::from(cty::Value(), vars({}));
  EXPECT_EQ(d.proxmox().max_concurrent_requests, 8);
  auto c = ProviderConfig::from(proxmox_block({{"max_concurrent_requests", cty::Value::number_int(12)},
                                               {"username", cty::Value::string("ops@pve")}}),
                                vars({{"SARGA_PROXMOX_MAX_CONCURRENT", "2"}, {"PROXMOX_VE_USERNAME", "env@pam"}}));
  EXPECT_EQ(c.proxmox().max_concurrent_requests, 12);  // HCL wins
  EXPECT_EQ(c.proxmox().username, "ops@pve");
}

TEST(ProxmoxConfig, HalfTicketCredentialsNameTheMissingHalf) {
  auto c = ProviderConfig::from(cty::Value(), vars({{"PROXMOX_VE_ENDPOINT", "https://pve:8006"},
                                                    {"PROXMOX_VE_USERNAME", "root@pam"}}));
  Diagnostics diags;
  EXPECT_EQ(c.require_proxmox("sarga_lxc", diags), nullptr);
  EXPECT_NE(diags.to_string().find("password"), std::string::npos) << diags.to_string();
  EXPECT_NE(diags.to_string().find("sarga_lxc"), std::string::npos);
}

TEST(ProxmoxConfig, BadEnvironmentValuesAreReportedByName) {
  auto c = ProviderConfig::from(cty::Value(), vars({{"PROXMOX_VE_ENDPOINT", "https://pve:8006"},
                                                    {"PROXMOX_VE_API_TOKEN", "root@pam!t=secret-value"},
                                                    {"SARGA_PROXMOX_FINGERPRINT", "AA:BB"},
                                                    {"SARGA_PROXMOX_MAX_CONCURRENT", "0"},
                                                    {"PROXMOX_VE_USERNAME", "root"}}));
  Diagnostics diags;
  EXPECT_EQ(c.require_proxmox("sarga_vm", diags), nullptr);
  std::string text = diags.to_string();
  EXPECT_NE(text.find("SARGA_PROXMOX_FINGERPRINT"), std::string::npos) << text;
  EXPECT_NE(text.find("SARGA_PROXMOX_MAX_CONCURRENT"), std::string::npos) << text;
  EXPECT_NE(text.find("PROXMOX_VE_USERNAME"), std::string::npos) << text;
  EXPECT_EQ(text.find("secret-value"), std::string::npos);
}

TEST(ProxmoxConfig, HclValidationPointsAtTheAttribute) {
  Diagnostics diags;
  ProviderConfig::validate(proxmox_block({{"fingerprint", cty::Value::string("zz")},
                                          {"max_concurrent_requests", cty::Value::number_int(0)},
                                          {"username", cty::Value::string("nobody")}}),
                           diags);
  std::set<std::string> paths;
  for (const auto& d : diags)
    if (d.attribute) paths.insert(d.attribute->to_string());
  EXPECT_TRUE(paths.count("proxmox.fingerprint")) << diags.to_string();
  EXPECT_TRUE(paths.count("proxmox.max_concurrent_requests")) << diags.to_string();
  EXPECT_TRUE(paths.count("proxmox.username")) << diags.to_string();
  Diagnostics ok;
  ProviderConfig::validate(proxmox_block({{"fingerprint", cty::Value::string(kFp)},
                                          {"max_concurrent_requests", cty::Value::number_int(16)},
                                          {"username", cty::Value::string("root@pam")}}),
                           ok);
  EXPECT_FALSE(ok.has_errors()) << ok.to_string();
}

TEST(ProxmoxConfig, PasswordIsSensitive) {
  auto s = ProviderConfig::schema();
  const auto* block = &s.block.find_block("proxmox")->block;
  EXPECT_TRUE(block->find_attribute("password")->is_sensitive);
  EXPECT_FALSE(block->find_attribute("username")->is_sensitive);
}

}  // namespace
}  // namespace sarga::framework
