// Shared Proxmox helpers of the resources: client factory, durations, tags, ids, errors.
#include <gtest/gtest.h>

#include "provider/resources/proxmox/client.h"

namespace sarga::resources::proxmox {
namespace {

using std::chrono::milliseconds;

framework::Context context_with(std::map<std::string, std::string> env, framework::CancelToken cancel = {}) {
  framework::Context ctx;
  auto lookup = [env = std::move(env)](const std::string& n) -> std::optional<std::string> {
    auto it = env.find(n);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  ctx.provider = std::make_shared<framework::ProviderConfig>(framework::ProviderConfig::from(cty::Value(), lookup));
  ctx.cancel = std::move(cancel);
  return ctx;
}

TEST(ProxmoxClient, UnconfiguredGivesADiagnosticNamingTheResource) {
  framework::Diagnostics diags;
  EXPECT_EQ(client(context_with({}), diags, "sarga_vm"), nullptr);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_NE(diags.to_string().find("sarga_vm"), std::string::npos) << diags.to_string();
  EXPECT_NE(diags.to_string().find("PROXMOX_VE_ENDPOINT"), std::string::npos) << diags.to_string();
}

TEST(ProxmoxClient, OneSharedClientPerSettingsWithPerCallCancellation) {
  framework::CancelSource source;
  std::map<std::string, std::string> env = {{"SARGA_PROXMOX_ENDPOINT", "https://127.0.0.1:1"},
                                            {"SARGA_PROXMOX_API_TOKEN", "root@pam!t=s3cret"}};
  framework::Diagnostics diags;
  auto a = client(context_with(env, source.token()), diags, "sarga_vm");
  auto b = client(context_with(env), diags, "sarga_lxc");
  ASSERT_TRUE(a && b) << diags.to_string();
  // Same process-wide state: the guest index is one object.
  EXPECT_EQ(&a->guest_index(), &b->guest_index());
  EXPECT_FALSE(a->cancelled());
  source.cancel();  // StopProvider
  EXPECT_TRUE(a->cancelled());
  EXPECT_FALSE(b->cancelled());
  try {
    a->version();
    FAIL();
  } catch (const pve::Error& e) {
    EXPECT_EQ(e.kind(), pve::ErrorKind::cancelled);
  }
  // Different settings: a different client.
  env["SARGA_PROXMOX_MAX_CONCURRENT"] = "2";
  auto c = client(context_with(env), diags, "sarga_vm");
  ASSERT_TRUE(c);
  EXPECT_NE(&c->guest_index(), &b->guest_index());
  EXPECT_EQ(c->options().max_concurrent_requests, 2);
}

TEST(ProxmoxClient, TicketSettingsReachTheClient) {
  framework::Diagnostics diags;
  auto c = client(context_with({{"SARGA_PROXMOX_ENDPOINT", "https://127.0.0.1:1"},
                                {"SARGA_PROXMOX_USERNAME", "ops@pve"},
                                {"SARGA_PROXMOX_PASSWORD", "pw"}}),
                  diags, "sarga_vm");
  ASSERT_TRUE(c) << diags.to_string();
  EXPECT_EQ(c->options().username, "ops@pve");
  EXPECT_TRUE(c->options().token.empty());
}

TEST(ProxmoxClient, Durations) {
  EXPECT_EQ(parse_duration("10m"), milliseconds(600'000));
  EXPECT_EQ(parse_duration("90s"), milliseconds(90'000));
  EXPECT_EQ(parse_duration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
  for (const char* bad : {"", "10", "m", "-5m", "10 m", "5d", "1h-"}) EXPECT_FALSE(parse_duration(bad)) << bad;
  framework::Diagnostics diags;
  EXPECT_EQ(duration_or("", milliseconds(7), cty::Path().attribute("timeouts").attribute("create"), diags), milliseconds(7));
  EXPECT_FALSE(duration_or("soon", milliseconds(7), cty::Path().attribute("timeouts").attribute("create"), diags));
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].attribute->to_string(), "timeouts.create");
}

TEST(ProxmoxClient, TagsAndIds) {
  EXPECT_EQ(normalise_tags({"Web", "prod", "web", ""}), (std::vector<std::string>{"prod", "web"}));
  EXPECT_TRUE(tag_problem("k8s-node_1.x").empty());
  EXPECT_FALSE(tag_problem("has space").empty());
  EXPECT_FALSE(tag_problem("-lead").empty());
  EXPECT_EQ(guest_id("pve1", 104), "pve1/104");
  auto id = parse_guest_id("pve-2/1042");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->first, "pve-2");
  EXPECT_EQ(id->second, 1042);
  for (const char* bad : {"pve1", "pve1/", "/100", "pve1/99", "pve1/abc", "pve1/100/1", "-x/100"})
    EXPECT_FALSE(parse_guest_id(bad)) << bad;
}

TEST(ProxmoxClient, ErrorsBecomeDiagnosticsWithPathsAndHints) {
  framework::Diagnostics diags;
  auto e = pve::make_error("PVE POST /nodes/pve1/qemu", 400, "Parameter verification failed.",
                           R"({"errors":{"memory":"value must have a minimum value of 16"}})");
  add_error(diags, "creating VM 104 on pve1", e, {{"memory", cty::Path().attribute("memory").attribute("dedicated")}});
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].attribute->to_string(), "memory.dedicated");
  EXPECT_NE(diags.items()[0].detail.find("minimum value of 16"), std::string::npos);

  framework::Diagnostics d2;
  add_error(d2, "cloning 9000", pve::make_error("x", 500, "can't lock file '/var/lock/qemu-server/lock-9000.conf' - got timeout", ""));
  ASSERT_EQ(d2.items().size(), 1u);
  EXPECT_FALSE(d2.items()[0].attribute);
  EXPECT_NE(d2.items()[0].summary.find("lock timeout"), std::string::npos);
  EXPECT_NE(d2.items()[0].detail.find("parallelism"), std::string::npos);

  framework::Diagnostics d3;
  pve::TaskResult r{"UPID:pve1:00000001:00000002:00000003:qmstart:104:root@pam:", "WARNINGS: 1", 1, {"WARN: slow disk"}};
  add_task_warnings(d3, "starting VM 104", r);
  ASSERT_EQ(d3.items().size(), 1u);
  EXPECT_EQ(d3.items()[0].severity, framework::Severity::Warning);
  EXPECT_NE(d3.items()[0].detail.find("WARN: slow disk"), std::string::npos);
  framework::Diagnostics d4;
  add_task_warnings(d4, "x", pve::TaskResult{"u", "OK", 0, {}});
  EXPECT_TRUE(d4.empty());
}

}  // namespace
}  // namespace sarga::resources::proxmox
