#include "lib/cloudinit/network_config.h"

#include <gtest/gtest.h>

namespace sarga::cloudinit {
namespace {

Problems check(const std::string& text) {
  Problems out;
  validate_network_config(text, Path().attribute("network_config"), out);
  return out;
}

TEST(NetworkConfig, ValidV2Passes) {
  EXPECT_TRUE(check("version: 2\nethernets:\n  eth0:\n    dhcp4: true\n").empty());
  EXPECT_TRUE(check("network:\n  version: 2\n  renderer: networkd\n  ethernets:\n    id0:\n"
                    "      match: {macaddress: 'aa:bb:cc:dd:ee:ff'}\n"
                    "      addresses: [10.0.0.5/24]\n      routes: [{to: default, via: 10.0.0.1}]\n"
                    "      nameservers: {addresses: [10.0.0.1], search: [lan]}\n").empty());
}

TEST(NetworkConfig, VersionOneIsRejectedWithAHint) {
  Problems p = check("version: 1\nconfig: []\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].path.to_string(), "network_config");
  EXPECT_NE(p[0].detail.find("line 1: version must be 2"), std::string::npos) << p[0].detail;
  EXPECT_NE(p[0].detail.find("version 1 is not supported"), std::string::npos);
  EXPECT_NE(p[1].detail.find("line 2: unknown key \"config\""), std::string::npos) << p[1].detail;
}

TEST(NetworkConfig, MissingVersionAndUnknownKey) {
  Problems p = check("ethernet:\n  eth0: {dhcp4: true}\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].detail.find("missing \"version: 2\""), std::string::npos);
  EXPECT_NE(p[1].detail.find("unknown key \"ethernet\""), std::string::npos);
}

TEST(NetworkConfig, DeviceSettingsAreChecked) {
  Problems p = check("version: 2\nethernets:\n  eth0:\n    dhcp4: maybe\n"
                     "    addresses: [10.0.0.5]\n    nameservers: {servers: [1.1.1.1]}\n");
  ASSERT_EQ(p.size(), 3u);
  EXPECT_NE(p[0].detail.find("line 4: ethernets.eth0.dhcp4 must be true or false"), std::string::npos)
      << p[0].detail;
  EXPECT_NE(p[1].detail.find("needs a prefix length, e.g. 10.0.0.5/24"), std::string::npos);
  EXPECT_NE(p[2].detail.find("unknown key \"servers\""), std::string::npos);
}

TEST(NetworkConfig, SyntaxErrorsAndWrongShapes) {
  Problems p = check("version: 2\nethernets: [\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].summary, "Invalid network_config YAML");
  EXPECT_EQ(p[0].detail.rfind("line ", 0), 0u);
  p = check("- a\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].detail.find("got a list"), std::string::npos);
  p = check("version: 2\nethernets: [eth0]\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].detail.find("ethernets must be a mapping"), std::string::npos);
}

}  // namespace
}  // namespace sarga::cloudinit
