#include <gtest/gtest.h>

#include <fstream>

#include "builder/outputs/outputs.h"
#include "builder/steps/tests/fixture.h"

using namespace sarga::outputs;
using sarga::testing::put;
using sarga::testing::TempDir;

namespace {

TEST(Outputs, TemplateFileNamesFollowProxmox) {
  OsRelease deb{"debian", "12", "bookworm", ""};
  EXPECT_EQ(lxc_template_filename(deb, "hardened", "1.0", "amd64", sarga::tmpl::Compression::zst),
            "debian-12-hardened_1.0_amd64.tar.zst");
  EXPECT_EQ(lxc_template_filename(deb, "debian-12-ci", "2", "amd64", sarga::tmpl::Compression::xz),
            "debian-12-ci_2_amd64.tar.xz");
  EXPECT_EQ(lxc_template_filename(deb, "x", "", "arm64", sarga::tmpl::Compression::gz), "debian-12-x_1.0_arm64.tar.gz");
  EXPECT_EQ(lxc_template_filename({"ubuntu", "24.04", "", ""}, "web", "3", "amd64", sarga::tmpl::Compression::zst),
            "ubuntu-24.04-web_3_amd64.tar.zst");
  EXPECT_EQ(lxc_template_filename(deb, "x", "1", "amd64", sarga::tmpl::Compression::zst, "custom"), "custom.tar.zst");
  EXPECT_EQ(lxc_template_filename(deb, "a b/c", "1 0", "amd64", sarga::tmpl::Compression::zst),
            "debian-12-a-b-c_1-0_amd64.tar.zst");
}

TEST(Outputs, OsReleaseIsRequired) {
  TempDir d;
  try {
    read_os_release(d.path());
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/etc/os-release is missing"), std::string::npos);
  }
  put(d.path(), "/usr/lib/os-release", "NAME=x\nID='alpine'\nVERSION_ID=3.20.1\n");
  auto os = read_os_release(d.path());
  EXPECT_EQ(os.id, "alpine");
  EXPECT_EQ(os.version_id, "3.20.1");
  sarga::tmpl::LxcTemplateSettings s;
  EXPECT_THROW(write_lxc_template(d.path(), d.path() / "out", s, "x", 0), std::runtime_error);  // no /sbin
}

TEST(Outputs, SbomFromDpkgStatus) {
  TempDir d;
  sarga::testing::make_weak_rootfs(d.path());
  put(d.path(), "/var/lib/dpkg/status",
      sarga::testing::dpkg_entry("attr", "1:2.4.47-2+b1", "Source: attr (1:2.4.47-2)\nDepends: libattr1 (= 1:2.4.47-2+b1), libc6 (>= 2.34) | libc6.1\n") +
          sarga::testing::dpkg_entry("libattr1", "1:2.4.47-2+b1") + sarga::testing::dpkg_entry("libc6", "2.36-9") +
          "Package: removed\nStatus: deinstall ok config-files\nVersion: 1\nArchitecture: amd64\n\n");
  auto doc = make_sbom(d.path(), "img", 1700000000);
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["creationInfo"]["created"], "2023-11-14T22:13:20Z");
  ASSERT_EQ(doc["packages"].size(), 4u);  // image + 3 installed (the deinstalled one is left out)
  const auto& attr = doc["packages"][1];
  EXPECT_EQ(attr["name"], "attr");
  EXPECT_EQ(attr["versionInfo"], "1:2.4.47-2+b1");
  EXPECT_EQ(attr["externalRefs"][0]["referenceLocator"], "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64&distro=debian-12");
  EXPECT_EQ(attr["sourceInfo"], "built package from: attr 1:2.4.47-2");
  EXPECT_EQ(attr["supplier"], "Organization: Debian Maintainers <debian@example.org>");
  int depends = 0, contains = 0, describes = 0;
  for (const auto& r : doc["relationships"]) {
    if (r["relationshipType"] == "DEPENDS_ON") {
      ++depends;
      EXPECT_EQ(r["spdxElementId"], attr["SPDXID"]);
    }
    contains += r["relationshipType"] == "CONTAINS";
    describes += r["relationshipType"] == "DESCRIBES";
  }
  EXPECT_EQ(depends, 2);
  EXPECT_EQ(contains, 3);
  EXPECT_EQ(describes, 1);
  EXPECT_EQ(make_sbom(d.path(), "img", 1700000000).dump(), doc.dump());  // reproducible
}

TEST(Outputs, ManifestReplacesSameBuildAndKeepsOthers) {
  TempDir d;
  auto m = d.path() / "manifest.json";
  write_manifest(m, {{"name", "a"}, {"n", 1}}, "u1");
  write_manifest(m, {{"name", "b"}, {"n", 2}}, "u2");
  write_manifest(m, {{"name", "a"}, {"n", 3}}, "u3");
  std::ifstream in(m);
  auto doc = nlohmann::json::parse(in);
  ASSERT_EQ(doc["builds"].size(), 2u);
  EXPECT_EQ(doc["builds"][0]["name"], "b");
  EXPECT_EQ(doc["builds"][1]["n"], 3);
  EXPECT_EQ(doc["last_run_uuid"], "u3");
  std::ofstream(m) << "{broken";
  EXPECT_THROW(write_manifest(m, {{"name", "a"}}, "u4"), std::runtime_error);
}

}  // namespace
