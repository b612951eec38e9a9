#include "lib/cloudinit/seed.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lib/artifact/iso.h"
#include "lib/cloudinit/encoding.h"

namespace sarga::cloudinit {
namespace {

SeedInput web() {
  SeedInput in;
  in.hostname = "web-01";
  in.user_data = "#cloud-config\npackages: [nginx]\n";
  return in;
}

TEST(Seed, RenderIsDeterministicAndDerivesAStableInstanceId) {
  RenderedSeed a = render_seed(web()), b = render_seed(web());
  EXPECT_EQ(a.iso, b.iso);
  EXPECT_EQ(a.sha256, b.sha256);
  EXPECT_EQ(a.sha256.size(), 64u);
  EXPECT_EQ(a.instance_id.rfind("iid-", 0), 0u);
  EXPECT_EQ(a.instance_id.size(), 20u);
  EXPECT_EQ(a.rendered_user_data, "#cloud-config\npackages: [nginx]\n");
  EXPECT_EQ(artifact::iso_volume_id(a.iso), "cidata");
  EXPECT_EQ(a.meta_data_file, "instance-id: \"" + a.instance_id + "\"\nlocal-hostname: \"web-01\"\n");
}

TEST(Seed, VolumeDatesDependOnContentOnly) {
  auto creation_date = [](const std::string& iso) { return iso.substr(16 * 2048 + 813, 16); };
  SeedInput other = web();
  other.hostname = "web-02";
  std::string a = render_seed(web()).iso, b = render_seed(other).iso;
  EXPECT_NE(creation_date(a), creation_date(b));  // distinct volume UUIDs for blkid
  EXPECT_EQ(creation_date(a), creation_date(render_seed(web()).iso));
  int year = std::stoi(creation_date(a).substr(0, 4));
  EXPECT_GE(year, 2000);
  EXPECT_LE(year, 2029);
}

TEST(Seed, InstanceIdFollowsContent) {
  SeedInput changed = web();
  changed.user_data = "#cloud-config\npackages: [nginx, curl]\n";
  EXPECT_NE(derive_instance_id(changed), derive_instance_id(web()));
  SeedInput renamed = web();
  renamed.hostname = "web-02";
  EXPECT_NE(derive_instance_id(renamed), derive_instance_id(web()));
  SeedInput fixed = web();
  fixed.instance_id = "my-id";
  EXPECT_EQ(render_seed(fixed).instance_id, "my-id");
}

TEST(Seed, MetaDataExtrasAreSortedAndQuoted) {
  SeedInput in = web();
  in.meta_data = {{"zone", "a"}, {"public-keys", "ssh-ed25519 AAAA x@y"}, {"odd key", "yes"}};
  in.instance_id = "i-1";
  EXPECT_EQ(render_seed(in).meta_data_file,
            "instance-id: \"i-1\"\nlocal-hostname: \"web-01\"\n\"odd key\": \"yes\"\n"
            "public-keys: \"ssh-ed25519 AAAA x@y\"\nzone: \"a\"\n");
}

TEST(Seed, GzipStoresCompressedUserDataAndBase64Rendering) {
  SeedInput in = web();
  in.gzip = true;
  RenderedSeed r = render_seed(in);
  EXPECT_TRUE(looks_gzipped(r.user_data_file));
  EXPECT_EQ(gunzip_bytes(base64_decode(r.rendered_user_data)), *in.user_data);
}

TEST(Seed, ValidationNamesAttributes) {
  SeedInput in;
  in.hostname = "bad_host!";
  in.instance_id = "has space";
  in.user_data = "#cloud-config\nx: [\n";
  in.parts = {{"text/cloud-config", "", "", "a: 1\n"}};
  in.meta_data = {{"instance-id", "x"}};
  in.network_config = "version: 1\n";
  in.vendor_data = "nonsense";
  Problems p = validate_seed(in);
  std::vector<std::string> paths;
  for (const auto& problem : p) paths.push_back(problem.path.to_string());
  EXPECT_EQ(paths, (std::vector<std::string>{"hostname", "instance_id", "user_data",
                                             "meta_data[\"instance-id\"]", "network_config",
                                             "vendor_data", "part"}));
  EXPECT_THROW(render_seed(in), std::invalid_argument);
}

TEST(Seed, IsoRoundTripsThroughParse) {
  SeedInput in = web();
  in.meta_data = {{"zone", "a"}};
  in.network_config = "version: 2\nethernets: {eth0: {dhcp4: true}}\n";
  in.vendor_data = "#cloud-config\n{}\n";
  RenderedSeed r = render_seed(in);
  SeedInput back = parse_seed_iso(r.iso);
  SeedInput expected = in;
  expected.instance_id = r.instance_id;
  EXPECT_EQ(back, expected);
  EXPECT_EQ(render_seed(back).iso, r.iso);
}

TEST(Seed, MultipartAndGzipRoundTripThroughParse) {
  SeedInput in;
  in.gzip = true;
  in.parts = {{"text/cloud-config", "a.yaml", "", "packages: [vim]\n"},
              {"text/x-shellscript", "", "", "#!/bin/sh\ntrue\n"}};
  RenderedSeed r = render_seed(in);
  SeedInput back = parse_seed_iso(r.iso);
  SeedInput expected = in;
  expected.instance_id = r.instance_id;
  EXPECT_EQ(back, expected);
}

TEST(Seed, ParseRejectsImagesWithoutSeedFiles) {
  std::string iso = artifact::render_iso({{"readme.txt", "hello"}});
  EXPECT_THROW(parse_seed_iso(iso), std::runtime_error);
  EXPECT_THROW(parse_seed_iso("not an iso"), std::runtime_error);
}

}  // namespace
}  // namespace sarga::cloudinit
