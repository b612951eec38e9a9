// The openbao section of the provider block that sarga_org_intermediate consumes: namespace
// and insecure, from HCL or the environment (BAO_* before VAULT_*), bad values named.
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

cty::Value openbao_block(std::map<std::string, cty::Value> set) {
  cty::Value v = ProviderConfig::schema().null_object();
  cty::Type bt = v.type().attribute_type("openbao");
  cty::Value::Attributes attrs;
  for (const auto& [name, t] : bt.attribute_types()) attrs.emplace(name, cty::Value::null(t));
  for (auto& [k, x] : set) attrs[k] = x;
  cty::Value::Attributes top = v.attributes();
  top["openbao"] = cty::Value::object(std::move(attrs));
  return cty::Value::object(std::move(top));
}

const std::map<std::string, std::string> kBase = {{"BAO_ADDR", "http://127.0.0.1:8200"}, {"BAO_TOKEN", "t"}};

TEST(OrgIntermediateProviderConfig, NamespaceAndInsecureFromTheEnvironment) {
  auto env = kBase;
  env["VAULT_NAMESPACE"] = "vault-ns";
  env["BAO_NAMESPACE"] = "team/a";
  env["VAULT_SKIP_VERIFY"] = "true";
  auto c = ProviderConfig::from(cty::Value(), env_of(env));
  Diagnostics d;
  const OpenBaoSettings* s = c.require_openbao("sarga_org_intermediate", d);
  ASSERT_NE(s, nullptr) << d.to_string();
  EXPECT_EQ(s->namespace_, "team/a");
  EXPECT_TRUE(s->insecure);

  auto plain = ProviderConfig::from(cty::Value(), env_of(kBase));
  EXPECT_EQ(plain.openbao().namespace_, "");
  EXPECT_FALSE(plain.openbao().insecure) << "TLS verification stays on by default";
}

TEST(OrgIntermediateProviderConfig, HclWinsAndBadBooleansAreNamed) {
  auto env = kBase;
  env["SARGA_BAO_NAMESPACE"] = "env-ns";
  env["BAO_SKIP_VERIFY"] = "true";
  auto c = ProviderConfig::from(openbao_block({{"namespace", cty::Value::string("hcl-ns")},
                                               {"insecure", cty::Value::boolean(false)}}),
                                env_of(env));
  EXPECT_EQ(c.openbao().namespace_, "hcl-ns");
  EXPECT_FALSE(c.openbao().insecure);

  env.erase("BAO_SKIP_VERIFY");
  env["SARGA_BAO_SKIP_VERIFY"] = "maybe";
  auto bad = ProviderConfig::from(cty::Value(), env_of(env));
  Diagnostics d;
  EXPECT_EQ(bad.require_openbao("sarga_org_intermediate", d), nullptr);
  EXPECT_NE(d.to_string().find("SARGA_BAO_SKIP_VERIFY must be true or false"), std::string::npos) << d.to_string();
}

}  // namespace
}  // namespace sarga::framework
