// Provider settings: HCL over environment, environment fallbacks, and errors only when a
// resource asks for settings that are missing or invalid.
#include <gtest/gtest.h>

#include "provider/framework/provider_config.h"

namespace sarga::framework {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

cty::Value config_with(const char* block, std::map<std::string, cty::Value> set) {
  cty::Value v = ProviderConfig::schema().null_object();
  cty::Type bt = v.type().attribute_type(block);
  cty::Value::Attributes attrs;
  for (const auto& [name, t] : bt.attribute_types()) attrs.emplace(name, cty::Value::null(t));
  for (auto& [k, x] : set) attrs[k] = x;
  cty::Value::Attributes top = v.attributes();
  top[block] = cty::Value::object(std::move(attrs));
  return cty::Value::object(std::move(top));
}

const char* kToken = "root@pam!ci=0b5a3d7e-1111-2222-3333-444455556666";

TEST(ProviderConfig, EnvironmentFallbacks) {
  auto c = ProviderConfig::from(cty::Value(), env_of({{"PROXMOX_VE_ENDPOINT", "https://pve:8006"},
                                                      {"PROXMOX_VE_API_TOKEN", kToken},
                                                      {"VAULT_ADDR", "https://vault:8200"},
                                                      {"BAO_ADDR", "https://bao:8200"},
                                                      {"VAULT_TOKEN", "s.vault"}}));
  Diagnostics diags;
  const ProxmoxSettings* pve = c.require_proxmox("sarga_vm", diags);
  ASSERT_NE(pve, nullptr) << diags.to_string();
  EXPECT_EQ(pve->endpoint, "https://pve:8006");
  EXPECT_FALSE(pve->insecure);
  const OpenBaoSettings* bao = c.require_openbao("sarga_org_intermediate", diags);
  ASSERT_NE(bao, nullptr);
  EXPECT_EQ(bao->address, "https://bao:8200");  // BAO_ADDR before VAULT_ADDR
  EXPECT_EQ(bao->token, "s.vault");
}

TEST(ProviderConfig, SargaNamesWinOverGenericOnes) {
  auto c = ProviderConfig::from(cty::Value(), env_of({{"PROXMOX_VE_ENDPOINT", "https://a:8006"},
                                                      {"SARGA_PROXMOX_ENDPOINT", "https://b:8006"}}));
  EXPECT_EQ(c.proxmox().endpoint, "https://b:8006");
}

TEST(ProviderConfig, HclWinsOverEnvironment) {
  cty::Value config = config_with("proxmox", {{"endpoint", cty::Value::string("https://hcl:8006")},
                                              {"insecure", cty::Value::boolean(true)}});
  auto c = ProviderConfig::from(config, env_of({{"PROXMOX_VE_ENDPOINT", "https://env:8006"},
                                                {"PROXMOX_VE_INSECURE", "false"}}));
  EXPECT_EQ(c.proxmox().endpoint, "https://hcl:8006");
  EXPECT_TRUE(c.proxmox().insecure);
}

TEST(ProviderConfig, MissingSettingsOnlyWhenRequired) {
  auto c = ProviderConfig::from(cty::Value(), env_of({}));
  Diagnostics diags;
  EXPECT_EQ(c.require_proxmox("sarga_vm", diags), nullptr);
  ASSERT_TRUE(diags.has_errors());
  std::string text = diags.to_string();
  EXPECT_NE(text.find("sarga_vm"), std::string::npos);
  EXPECT_NE(text.find("PROXMOX_VE_ENDPOINT"), std::string::npos);
  EXPECT_NE(text.find("PROXMOX_VE_API_TOKEN"), std::string::npos);
  Diagnostics plug;
  EXPECT_EQ(c.require_plug("sarga_bastion_power", plug), nullptr);
  EXPECT_NE(plug.to_string().find("SARGA_PLUG_DRIVER"), std::string::npos);
}

TEST(ProviderConfig, InvalidEnvironmentNamesTheVariableButNotTheSecret) {
  auto c = ProviderConfig::from(cty::Value(), env_of({{"PROXMOX_VE_ENDPOINT", "pve:8006"},
                                                      {"PROXMOX_VE_API_TOKEN", "supersecretvalue"}}));
  Diagnostics diags;
  EXPECT_EQ(c.require_proxmox("sarga_vm", diags), nullptr);
  std::string text = diags.to_string();
  EXPECT_NE(text.find("PROXMOX_VE_ENDPOINT"), std::string::npos) << text;
  EXPECT_NE(text.find("PROXMOX_VE_API_TOKEN"), std::string::npos) << text;
  EXPECT_EQ(text.find("supersecretvalue"), std::string::npos) << text;
}

TEST(ProviderConfig, ValidateFlagsHclValuesWithPaths) {
  cty::Value config = config_with("proxmox", {{"endpoint", cty::Value::string("ftp://x")},
                                              {"api_token", cty::Value::string("nope")}});
  Diagnostics diags;
  ProviderConfig::validate(config, diags);
  ASSERT_EQ(diags.size(), 2u) << diags.to_string();
  EXPECT_EQ(diags.items()[0].attribute->to_string(), "proxmox.endpoint");
  EXPECT_EQ(diags.items()[1].attribute->to_string(), "proxmox.api_token");
  EXPECT_EQ(diags.to_string().find("nope"), std::string::npos);
}

TEST(ProviderConfig, TokensAreSensitiveInTheSchema) {
  Schema s = ProviderConfig::schema();
  EXPECT_TRUE(s.block.find_block("proxmox")->block.find_attribute("api_token")->is_sensitive);
  EXPECT_TRUE(s.block.find_block("openbao")->block.find_attribute("token")->is_sensitive);
  EXPECT_TRUE(s.block.find_block("plug")->block.find_attribute("token")->is_sensitive);
}

}  // namespace
}  // namespace sarga::framework
