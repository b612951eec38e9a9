// sarga_template's choice among candidates: newest by creation time, then VMID, then volume id.
#include <gtest/gtest.h>

#include <regex>

#include "provider/resources/datasources/template_pick.h"

namespace sarga::resources::datasources {
namespace {

TemplateCandidate vol(const std::string& volid, std::int64_t ctime, const std::string& node = "pve1") {
  TemplateCandidate c;
  c.volume_id = volid;
  c.name = volume_file_name(volid);
  c.node = node;
  c.created = ctime;
  return c;
}

TemplateCandidate vm(int vmid, const std::string& name, std::int64_t ctime, std::vector<std::string> tags = {}) {
  TemplateCandidate c;
  c.vmid = vmid;
  c.name = name;
  c.created = ctime;
  c.tags = std::move(tags);
  return c;
}

TEST(TemplatePick, NewestVolumeMatchingThePattern) {
  std::vector<TemplateCandidate> all{vol("local:vztmpl/debian-12-web_1.0.tar.zst", 100),
                                     vol("local:vztmpl/debian-12-web_1.1.tar.zst", 200),
                                     vol("local:vztmpl/alpine-web_2.0.tar.zst", 300),
                                     vol("nfs:vztmpl/debian-12-web_0.9.tar.zst", 150, "pve2")};
  auto pick = newest(filter_candidates(all, "^debian-12-web_", {}));
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->volume_id, "local:vztmpl/debian-12-web_1.1.tar.zst");
  pick = newest(filter_candidates(all, "", {}));
  EXPECT_EQ(pick->volume_id, "local:vztmpl/alpine-web_2.0.tar.zst");
  EXPECT_FALSE(newest(filter_candidates(all, "^ubuntu", {})));
}

TEST(TemplatePick, TiesAndMissingTimesFallBackToVmidThenVolumeId) {
  std::vector<TemplateCandidate> vms{vm(9000, "golden-a", 0), vm(9002, "golden-b", 0), vm(8000, "golden-c", 0)};
  EXPECT_EQ(newest(vms)->vmid, 9002);
  vms.push_back(vm(100, "golden-d", 50));
  EXPECT_EQ(newest(vms)->vmid, 100);  // a recorded creation time beats a higher VMID
  std::vector<TemplateCandidate> same{vol("a:vztmpl/x-1.tar.gz", 10), vol("a:vztmpl/x-2.tar.gz", 10)};
  EXPECT_EQ(newest(same)->volume_id, "a:vztmpl/x-2.tar.gz");
}

TEST(TemplatePick, TagsMustAllBePresentCaseInsensitive) {
  std::vector<TemplateCandidate> vms{vm(1, "golden-noble", 10, {"golden", "noble"}),
                                     vm(2, "golden-jammy", 20, {"golden", "jammy"})};
  auto pick = newest(filter_candidates(vms, "", {"Golden", "NOBLE"}));
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->vmid, 1);
  EXPECT_TRUE(filter_candidates(vms, "", {"golden", "focal"}).empty());
}

TEST(TemplatePick, BadPatternThrows) { EXPECT_THROW(filter_candidates({}, "(unclosed", {}), std::regex_error); }

TEST(TemplatePick, Helpers) {
  EXPECT_EQ(volume_file_name("local:vztmpl/debian.tar.zst"), "debian.tar.zst");
  EXPECT_EQ(volume_file_name("local:debian.tar.zst"), "debian.tar.zst");
  EXPECT_EQ(meta_ctime("creation-qemu=9.2.0,ctime=1700000000"), 1700000000);
  EXPECT_EQ(meta_ctime("ctime=42"), 42);
  EXPECT_EQ(meta_ctime("creation-qemu=9.2.0"), 0);
  EXPECT_EQ(meta_ctime("xctime=5"), 0);
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339(1700000000), "2023-11-14T22:13:20Z");
}

}  // namespace
}  // namespace sarga::resources::datasources
