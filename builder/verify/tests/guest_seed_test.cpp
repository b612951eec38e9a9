#include "builder/verify/guest_seed.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace sarga::verify {
namespace {

TEST(GuestSeed, NonceIsSixteenHexDigitsAndChanges) {
  std::string a = make_nonce(), b = make_nonce();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

TEST(GuestSeed, CloudConfigCarriesNonceHostnameAndNoCredentials) {
  std::string doc = verify_user_data("0123456789abcdef", {});
  ASSERT_EQ(doc.rfind("#cloud-config\n", 0), 0u);
  YAML::Node y = YAML::Load(doc);
  EXPECT_EQ(y["hostname"].as<std::string>(), "sarga-verify");
  EXPECT_EQ(y["final_message"].as<std::string>(), "SARGA-VERIFY 0123456789abcdef finished after $UPTIME s");
  EXPECT_FALSE(y["runcmd"]);  // nothing to run without inline commands
  for (const char* key : {"password", "chpasswd", "users", "ssh_authorized_keys"}) EXPECT_FALSE(y[key]) << key;
  EXPECT_FALSE(y["ssh_pwauth"].as<bool>());
}

TEST(GuestSeed, InlineCommandsRunFromAScriptThatReportsEachExitCode) {
  std::vector<std::string> cmds = {"findmnt -no OPTIONS /tmp | grep -q noexec", "echo 'it''s' \"$HOME\""};
  YAML::Node y = YAML::Load(verify_user_data("feedfacefeedface", cmds));
  ASSERT_TRUE(y["runcmd"].IsSequence());
  EXPECT_EQ(y["runcmd"][0][0].as<std::string>(), "sh");
  EXPECT_EQ(y["runcmd"][0][1].as<std::string>(), "/run/sarga-verify/commands.sh");
  ASSERT_EQ(y["write_files"].size(), 1u);
  EXPECT_EQ(y["write_files"][0]["path"].as<std::string>(), "/run/sarga-verify/commands.sh");
  std::string script = y["write_files"][0]["content"].as<std::string>();
  EXPECT_EQ(script, commands_script("feedfacefeedface", cmds));
  EXPECT_NE(script.find("exec >/dev/ttyS0 2>&1"), std::string::npos);
  EXPECT_NE(script.find("sh -c 'findmnt -no OPTIONS /tmp | grep -q noexec'\n"), std::string::npos);
  // A single quote in a command is closed, escaped and reopened, never left to the shell.
  EXPECT_NE(script.find("sh -c 'echo '\\''it'\\'''\\''s'\\'' \"$HOME\"'\n"), std::string::npos);
  EXPECT_NE(script.find("echo \"SARGA-VERIFY feedfacefeedface command 1 exit $?\""), std::string::npos);
  EXPECT_NE(script.find("echo \"SARGA-VERIFY feedfacefeedface command 2 exit $?\""), std::string::npos);
}

TEST(GuestSeed, ScriptRunsUnderShAndReportsExitCodes) {
  // The script itself, run on the host with the console redirected to stdout.
  std::string script = commands_script("00000000000000aa", {"true", "exit 3", "echo 'quoted'"});
  auto at = script.find("exec >/dev/ttyS0 2>&1 </dev/null\n");
  ASSERT_NE(at, std::string::npos);
  script.replace(at, std::string("exec >/dev/ttyS0 2>&1 </dev/null\n").size(), "exec 2>&1 </dev/null\n");
  std::string path = testing::TempDir() + "verify-script.sh";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(script.c_str(), f);
  std::fclose(f);
  FILE* p = ::popen(("sh " + path).c_str(), "r");
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  EXPECT_EQ(::pclose(p), 0);
  EXPECT_NE(out.find("SARGA-VERIFY 00000000000000aa command 1 exit 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("SARGA-VERIFY 00000000000000aa command 2 exit 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("quoted\nSARGA-VERIFY 00000000000000aa command 3 exit 0\n"), std::string::npos) << out;
}

TEST(GuestSeed, SeedRendersAsAValidNoCloudImage) {
  cloudinit::SeedInput in = verify_seed_input("0123456789abcdef", {"true"});
  EXPECT_EQ(in.hostname.value_or(""), "sarga-verify");
  cloudinit::RenderedSeed seed = cloudinit::render_seed(in);
  cloudinit::SeedInput back = cloudinit::parse_seed_iso(seed.iso);
  EXPECT_EQ(back.user_data, in.user_data);
  EXPECT_EQ(back.hostname, in.hostname);
  // A new nonce is a new instance: cloud-init runs its per-instance modules again.
  EXPECT_NE(cloudinit::render_seed(verify_seed_input("fedcba9876543210", {"true"})).instance_id, seed.instance_id);
}

}  // namespace
}  // namespace sarga::verify
