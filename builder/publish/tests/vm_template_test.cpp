// The proxmox-vm-template post-processor against the real pve-sim of this tree: upload +
// create + template, idempotence by sha256, versions, keep, import_from, cleanup after a
// failed conversion, secrets and TLS pinning.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include "builder/publish/vm_template.h"
#include "builder/publish/vm_template_plan.h"
#include "lib/artifact/hash.h"
#include "lib/http/tests/test_server.h"
#include "lib/pve/cluster.h"
#include "lib/pve/guests.h"
#include "lib/pve/tests/sim_process.h"

using sarga::pve::testing::SimProcess;
namespace pve = sarga::pve;
namespace pub = sarga::publish;

namespace {

constexpr auto kQemu = pve::GuestKind::qemu;
const std::string kSecret = "6f1c2d3e-aaaa-bbbb-cccc-1234567890ab";  // the secret part of the sim's token

// One simulator for the file; each test resets it.
class VmTemplate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new SimProcess(); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    sim_->control("POST", "/_sim/reset");
    sim_->settings({{"all_tasks", 0.05}, {"resources_lag", 0}});
    dir_ = std::filesystem::temp_directory_path() / ("sarga-vmtpl-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    for (const auto& l : log_) EXPECT_EQ(l.find(kSecret), std::string::npos) << "token in the log: " << l;
  }

  sarga::tmpl::ProxmoxVmTemplateSettings settings(int keep = 0) const {
    sarga::tmpl::ProxmoxVmTemplateSettings s;
    s.endpoint = sim_->url();
    s.token = sarga::pve::testing::kSimToken;
    s.fingerprint = sim_->fingerprint();
    s.node = "pve1";
    s.storage = "local-lvm";
    s.import_storage = "local";
    s.tags = {"Debian", "hardened"};
    s.keep = keep;
    return s;
  }
  // A qcow2 header for a 4 GiB disk plus `payload` (the sim keeps sizes and checksums, not content).
  std::filesystem::path image(const std::string& payload) const {
    auto p = dir_ / "debian-12-vm-hardened.qcow2";
    std::string header = std::string("QFI\xfb", 4) + std::string(28, '\0');
    header[27] = 1;  // virtual size 1 << 32 (big-endian u64 at offset 24)
    std::ofstream(p, std::ios::binary) << header << payload;
    return p;
  }
  nlohmann::json publish(const sarga::tmpl::ProxmoxVmTemplateSettings& s, const std::filesystem::path& img) {
    pub::PublishContext ctx{[this](const std::string& l) { log_.push_back(l); }, nullptr};
    return pub::publish_vm_template(s, img, sarga::artifact::sha256_file(img), "debian-12-vm-hardened", ctx);
  }
  pve::Client client() const { return pve::Client(sim_->options()); }
  pve::GuestConfig config(int vmid) const { return pve::Guests(client()).config("pve1", kQemu, vmid); }
  bool exists(int vmid) const { return pve::find_live_vmid(client(), kQemu, vmid).has_value(); }
  std::vector<pve::StorageContent> imports() const { return client().storage_content("pve1", "local", "import"); }
  std::string all_log() const {
    std::string out;
    for (const auto& l : log_) out += l + "\n";
    return out;
  }

  static SimProcess* sim_;
  std::filesystem::path dir_;
  std::vector<std::string> log_;
};
SimProcess* VmTemplate::sim_ = nullptr;

TEST_F(VmTemplate, UploadsCreatesAndConvertsACloudInitTemplate) {
  auto img = image("disk-v1");
  auto sha = sarga::artifact::sha256_file(img);
  auto r = publish(settings(), img);
  ASSERT_TRUE(r["created"].get<bool>()) << r.dump();
  EXPECT_TRUE(r["uploaded"].get<bool>());
  EXPECT_EQ(r["import_volume"], "local:import/debian-12-vm-hardened-" + sha.substr(0, 12) + ".qcow2");
  EXPECT_EQ(r["name"], "debian-12-vm-hardened");
  EXPECT_EQ(r["sha256"], sha);
  int vmid = r["vmid"];
  auto c = config(vmid);
  std::string id = std::to_string(vmid);
  EXPECT_EQ(c.get("template"), "1");
  EXPECT_EQ(c.get("name"), "debian-12-vm-hardened");
  EXPECT_EQ(c.get("bios"), "ovmf");
  EXPECT_EQ(c.get("machine"), "q35");
  EXPECT_EQ(c.get("scsihw"), "virtio-scsi-single");
  EXPECT_EQ(c.get("boot"), "order=scsi0");
  EXPECT_EQ(c.get("serial0"), "socket");
  EXPECT_EQ(c.get("vga"), "serial0");
  EXPECT_EQ(c.get("agent"), "enabled=1");
  EXPECT_EQ(c.get("ostype"), "l26");
  EXPECT_EQ(c.get("tags"), "debian;hardened;sarga-build");
  ASSERT_TRUE(c.get("scsi0") && c.get("efidisk0") && c.get("ide2") && c.get("description") && c.get("meta"));
  // Disks became base volumes; the imported one has the image's virtual size.
  EXPECT_EQ(c.get("scsi0")->rfind("local-lvm:base-" + id + "-disk-", 0), 0u) << *c.get("scsi0");
  EXPECT_NE(c.get("scsi0")->find(",size=4G"), std::string::npos) << *c.get("scsi0");
  EXPECT_EQ(c.get("scsi0")->find("import-from"), std::string::npos);
  EXPECT_EQ(c.get("efidisk0")->rfind("local-lvm:base-" + id + "-disk-", 0), 0u) << *c.get("efidisk0");
  EXPECT_NE(c.get("efidisk0")->find("efitype=4m"), std::string::npos);
  EXPECT_NE(c.get("efidisk0")->find("pre-enrolled-keys=0"), std::string::npos);
  EXPECT_EQ(*c.get("ide2"), "local-lvm:vm-" + id + "-cloudinit,media=cdrom");
  EXPECT_NE(c.get("description")->find("\nsarga-build sha256=" + sha + "\n"), std::string::npos);
  EXPECT_GT(pub::ctime_from_meta(*c.get("meta")), 0);
  // The uploaded file was copied into the VM and then deleted.
  EXPECT_TRUE(imports().empty());
  EXPECT_TRUE(r["import_volume_deleted"].get<bool>());
}

TEST_F(VmTemplate, SameShaIsSkippedOtherShaIsANewVersion) {
  auto first = publish(settings(), image("disk-v1"));
  auto again = publish(settings(), image("disk-v1"));
  EXPECT_FALSE(again["created"].get<bool>());
  EXPECT_FALSE(again["uploaded"].get<bool>());
  EXPECT_EQ(again["vmid"], first["vmid"]);
  EXPECT_FALSE(again["skipped_reason"].is_null());
  auto second = publish(settings(), image("disk-v2"));
  EXPECT_TRUE(second["created"].get<bool>());
  EXPECT_NE(second["vmid"], first["vmid"]);
  EXPECT_TRUE(exists(first["vmid"]));  // versions coexist without keep
  EXPECT_EQ(pve::find_live(client(), kQemu, "debian-12-vm-hardened", {"sarga-build"}).size(), 2u);
}

TEST_F(VmTemplate, KeepOnePrunesOlderVersionsAndToleratesRefusals) {
  int v1 = publish(settings(), image("disk-v1"))["vmid"];
  // A linked clone uses v1: PVE refuses to delete it.
  auto c = client();
  auto clone = pve::Guests(c).clone("pve1", kQemu, v1, 900, {{"name", "uses-v1"}, {"full", "0"}});
  c.wait_task(clone);
  int v2 = publish(settings(), image("disk-v2"))["vmid"];
  auto r = publish(settings(1), image("disk-v3"));
  int v3 = r["vmid"];
  EXPECT_TRUE(exists(v3));
  EXPECT_FALSE(exists(v2));
  EXPECT_TRUE(exists(v1));
  EXPECT_EQ(r["deleted"], nlohmann::json::array({v2}));
  ASSERT_EQ(r["warnings"].size(), 1u) << r.dump();
  EXPECT_NE(r["warnings"][0].get<std::string>().find(std::to_string(v1)), std::string::npos);
  EXPECT_NE(all_log().find("WARNING: could not remove old template " + std::to_string(v1)), std::string::npos);
  // Removing the clone lets the next run prune v1; the skip path prunes too.
  c.wait_task(pve::Guests(c).destroy("pve1", kQemu, 900));
  auto skip = publish(settings(1), image("disk-v3"));
  EXPECT_FALSE(skip["created"].get<bool>());
  EXPECT_EQ(skip["deleted"], nlohmann::json::array({v1}));
  EXPECT_TRUE(skip["warnings"].empty());
}

TEST_F(VmTemplate, ImportFromAnExistingVolumeUploadsNothing) {
  auto img = image("prebuilt");
  auto c = client();
  c.wait_task(c.upload("pve1", "local", "import", img.string(), "prebuilt.qcow2"));
  auto s = settings();
  s.import_from = "local:import/prebuilt.qcow2";
  s.import_storage.clear();  // not needed without an upload
  s.vmid = 4242;
  auto r = publish(s, img);
  EXPECT_TRUE(r["created"].get<bool>());
  EXPECT_FALSE(r["uploaded"].get<bool>());
  EXPECT_TRUE(r["import_volume"].is_null());
  EXPECT_EQ(r["vmid"], 4242);
  EXPECT_EQ(config(4242).get("template"), "1");
  ASSERT_EQ(imports().size(), 1u);  // somebody else's volume stays
}

TEST_F(VmTemplate, ImportFromAPathIsRefusedForTokensBeforeAnyCall) {
  auto s = settings();
  s.import_from = "/var/lib/vz/images/disk.qcow2";
  try {
    publish(s, image("x"));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("import_from"), std::string::npos) << e.what();
  }
}

TEST_F(VmTemplate, FailedConversionRemovesTheHalfMadeVm) {
  sim_->faults({{"tasks", {{{"type", "^qmtemplate$"}, {"error", "template failed: simulated"}}}}});
  auto s = settings();
  s.vmid = 777;
  try {
    publish(s, image("disk-v1"));
    FAIL();
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("VM 777"), std::string::npos) << m;
    EXPECT_NE(m.find("template failed: simulated"), std::string::npos) << m;
    EXPECT_NE(m.find("removed VM 777 (not a usable template)"), std::string::npos) << m;
  }
  EXPECT_FALSE(exists(777));
  // The upload stays for the next run, which reuses it instead of sending the image again.
  ASSERT_EQ(imports().size(), 1u);
  sim_->control("DELETE", "/_sim/faults");
  auto r = publish(s, image("disk-v1"));
  EXPECT_TRUE(r["created"].get<bool>());
  EXPECT_FALSE(r["uploaded"].get<bool>());
  EXPECT_EQ(r["vmid"], 777);
  EXPECT_TRUE(imports().empty());
}

TEST_F(VmTemplate, CancelDuringTheCreateStillRemovesTheVm) {
  sim_->settings({{"task_durations", {{"qmcreate", 1.0}}}});
  std::atomic<bool> cancel{false};
  pub::PublishContext ctx{[&](const std::string& l) {
                            log_.push_back(l);
                            if (l.rfind("creating VM", 0) == 0) cancel = true;  // the build is interrupted
                          },
                          &cancel};
  auto s = settings();
  s.vmid = 555;
  auto img = image("disk-v1");
  try {
    pub::publish_vm_template(s, img, sarga::artifact::sha256_file(img), "debian-12-vm-hardened", ctx);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("removed VM 555"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(exists(555));
}

TEST_F(VmTemplate, RejectedParameterIsNamed) {
  auto s = settings();
  s.tags = {"Bad!Tag"};
  try {
    publish(s, image("disk-v1"));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("tags"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(pve::find_live(client(), kQemu, "", {}).empty());
}

TEST_F(VmTemplate, PinMismatchFailsBeforeTheTokenIsSent) {
  sarga::testing::TlsServer fake;
  std::string seen;
  fake.http().Get(R"(.*)", [&](const httplib::Request& req, httplib::Response& res) {
    seen += req.get_header_value("Authorization");
    res.set_content(R"({"data":[]})", "application/json");
  });
  fake.start();
  auto s = settings();
  s.endpoint = fake.url();
  s.fingerprint = sim_->fingerprint();  // another server's certificate
  try {
    publish(s, image("x"));
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("pinned"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos);
  }
  EXPECT_TRUE(seen.empty()) << seen;
}

TEST(VmTemplatePlan, NamesDescriptionAndKeepOrder) {
  std::string sha(64, 'a');
  EXPECT_EQ(pub::import_filename("deb", sha, "raw"), "deb-aaaaaaaaaaaa.raw");
  auto d = pub::vm_description("b", sha, "deb.qcow2", "2026-01-01T00:00:00Z");
  EXPECT_EQ(pub::sha_from_description(d), sha);
  EXPECT_FALSE(pub::sha_from_description("sarga-build sha256=" + sha + "0"));
  EXPECT_FALSE(pub::sha_from_description("my sarga-build sha256=" + sha));
  EXPECT_EQ(pub::ctime_from_meta("creation-qemu=9.2.0,ctime=1700000000"), 1700000000);
  EXPECT_EQ(pub::ctime_from_meta("creation-qemu=9.2.0"), 0);
  EXPECT_EQ(pub::vm_tags({"Hardened", "debian,x"}), "debian;hardened;sarga-build;x");
  std::vector<pub::PublishedTemplate> t = {{100, "pve1", 50, false}, {101, "pve1", 70, false},
                                           {102, "pve1", 10, true}, {103, "pve1", 0, false}};
  auto gone = pub::beyond_keep(t, 2);
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(gone[0].vmid, 100);
  EXPECT_EQ(gone[1].vmid, 103);
  EXPECT_TRUE(pub::beyond_keep(t, 0).empty());
}

}  // namespace
