// Pure parts of the handshake: version pick, base64, handshake line, reattach JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "provider/plugin/handshake.h"
#include "provider/plugin/mtls.h"
#include "provider/plugin/reattach.h"

namespace sarga::plugin {
namespace {

TEST(Negotiate, PicksSixFromHostList) {
  EXPECT_EQ(negotiate_version("5,6").version, 6);
  EXPECT_EQ(negotiate_version("6,5").version, 6);
  EXPECT_EQ(negotiate_version("6").version, 6);
  EXPECT_EQ(negotiate_version(" 5 , 6 ").version, 6);
  EXPECT_EQ(negotiate_version("x,6").version, 6);
}

TEST(Negotiate, RejectsListWithoutSix) {
  Negotiation n = negotiate_version("4,5");
  EXPECT_EQ(n.version, 0);
  EXPECT_NE(n.error.find("PLUGIN_PROTOCOL_VERSIONS=\"4,5\""), std::string::npos) << n.error;
  EXPECT_NE(n.error.find("protocol 6"), std::string::npos) << n.error;
  EXPECT_EQ(negotiate_version("16").version, 0);
  EXPECT_EQ(negotiate_version("60").version, 0);
}

TEST(Negotiate, ExplainsMissingVariable) {
  Negotiation n = negotiate_version(std::nullopt);
  EXPECT_EQ(n.version, 0);
  EXPECT_NE(n.error.find("PLUGIN_PROTOCOL_VERSIONS is not set"), std::string::npos) << n.error;
  EXPECT_EQ(negotiate_version("").version, 0);
}

TEST(Base64, RawStdMatchesRfc4648WithoutPadding) {
  EXPECT_EQ(base64_raw_std(""), "");
  EXPECT_EQ(base64_raw_std("f"), "Zg");
  EXPECT_EQ(base64_raw_std("fo"), "Zm8");
  EXPECT_EQ(base64_raw_std("foo"), "Zm9v");
  EXPECT_EQ(base64_raw_std("foob"), "Zm9vYg");
  EXPECT_EQ(base64_raw_std("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64_raw_std("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_raw_std(std::string("\xfb\xff\xfe", 3)), "+//+");
}

TEST(Base64, DecodeRoundTripsEveryLength) {
  std::string bytes;
  for (int len = 0; len < 40; ++len) {
    std::string encoded = base64_raw_std(bytes);
    EXPECT_EQ(encoded.find('='), std::string::npos);
    std::string decoded;
    ASSERT_TRUE(base64_decode(encoded, decoded)) << len;
    EXPECT_EQ(decoded, bytes);
    bytes.push_back(static_cast<char>(len * 37 + 11));
  }
  std::string out;
  EXPECT_FALSE(base64_decode("Zm9v-", out));
  EXPECT_FALSE(base64_decode("Z", out));
  EXPECT_TRUE(base64_decode("Zg==", out));
  EXPECT_EQ(out, "f");
}

TEST(HandshakeLine, HasSixFieldsAndUnpaddedCert) {
  std::string der = "\x30\x82\x01";  // 3 bytes: no padding needed either way
  EXPECT_EQ(handshake_line(6, {"unix", "/tmp/plugin123"}, der), "1|6|unix|/tmp/plugin123|grpc|MIIB");
  EXPECT_EQ(handshake_line(6, {"tcp", "127.0.0.1:10000"}, ""), "1|6|tcp|127.0.0.1:10000|grpc|");
  EXPECT_EQ(handshake_line(6, {"unix", "/s"}, "ab"), "1|6|unix|/s|grpc|YWI");
}

TEST(Reattach, JsonHasProtocolSixAndTest) {
  auto parsed = nlohmann::json::parse(
      reattach_json("registry.opentofu.org/sarga/sarga", 42, {"unix", "/tmp/plugin9"}));
  const auto& entry = parsed.at("registry.opentofu.org/sarga/sarga");
  EXPECT_EQ(entry.at("Protocol"), "grpc");
  EXPECT_EQ(entry.at("ProtocolVersion"), 6);
  EXPECT_EQ(entry.at("Pid"), 42);
  EXPECT_EQ(entry.at("Test"), true);
  EXPECT_EQ(entry.at("Addr").at("Network"), "unix");
  EXPECT_EQ(entry.at("Addr").at("String"), "/tmp/plugin9");
}

TEST(Reattach, InstructionsHaveOneExportableLine) {
  std::string text = reattach_instructions("sarga/sarga", 7, {"tcp", "127.0.0.1:10001"});
  size_t start = text.find("\nTF_REATTACH_PROVIDERS='");
  ASSERT_NE(start, std::string::npos) << text;
  size_t end = text.find('\n', start + 1);
  std::string line = text.substr(start + 1, end - start - 1);
  ASSERT_EQ(line.back(), '\'');
  std::string json = line.substr(std::string("TF_REATTACH_PROVIDERS='").size());
  json.pop_back();
  EXPECT_EQ(nlohmann::json::parse(json).at("sarga/sarga").at("Addr").at("String"),
            "127.0.0.1:10001");
}

TEST(NotAPlugin, MessageNamesProgramAndWhatToDo) {
  std::string text = not_a_plugin_message("/usr/bin/terraform-provider-sarga");
  EXPECT_NE(text.find("This binary is a plugin"), std::string::npos);
  EXPECT_NE(text.find("/usr/bin/terraform-provider-sarga"), std::string::npos);
  EXPECT_NE(text.find("-debug"), std::string::npos);
}

}  // namespace
}  // namespace sarga::plugin
