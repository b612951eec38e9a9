// What a VM template publisher sends, checked as PVE checks it: uploads of content import,
// import-from sources and syntax, efidisk/cloud-init/serial hardware, template conversion,
// deleting a template, the config a client reads back.
#include <gtest/gtest.h>

#include "acceptance-tests/pve-sim/tests/sim_fixture.h"

namespace sarga::pvesim {
namespace {

using testing::SimFixture;

Reply upload(SimFixture& f, const std::string& filename, const std::string& data, const std::string& content = "import") {
  f.core.settle();
  RawRequest r;
  r.method = "POST";
  r.path = "/nodes/pve1/storage/local/upload";
  r.params = {{"content", content}, {"filename", filename}};
  r.upload = Upload{filename, data};
  r.authorization = "PVEAPIToken=root@pam!t=secret";
  return f.router.handle(f.core, std::move(r));
}

// A qcow2 header claiming `virtual_size` bytes.
std::string qcow2(uint64_t virtual_size) {
  std::string h = std::string("QFI\xfb", 4) + std::string(28, '\0') + "payload";
  for (int i = 0; i < 8; ++i) h[static_cast<size_t>(31 - i)] = static_cast<char>((virtual_size >> (8 * i)) & 0xFF);
  return h;
}

TEST(VmImport, UploadOfImportContentAcceptsOnlyDiskImagesWithSafeNames) {
  SimFixture f;
  for (const char* bad : {"disk.img", "disk.ovf", "disk.qcow2.gz"}) {
    Reply r = upload(f, bad, "x");
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.body["errors"]["filename"], "invalid filename or wrong extension") << bad;
  }
  // '+' and '=' are in PVE's safe character class; other characters become '_'.
  Reply ok = upload(f, "deb+12=a b.qcow2", qcow2(4ULL << 30));
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  ASSERT_EQ(f.wait_task(ok.body["data"]), "OK");
  auto list = f.call("GET", "/nodes/pve1/storage/local/content", {{"content", "import"}}).body["data"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["volid"], "local:import/deb+12=a_b.qcow2");
  EXPECT_EQ(list[0]["format"], "qcow2");
  EXPECT_EQ(list[0]["size"], qcow2(0).size());  // the file's size, as PVE lists it
}

TEST(VmImport, ImportFromChecksSourceTypeSyntaxAndWhoMayNamePaths) {
  SimFixture f;
  ASSERT_EQ(f.wait_task(upload(f, "cd.iso", "iso-bytes", "iso").body["data"]), "OK");
  Reply r = f.call("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"scsi0", "local-lvm:0,import-from=local:iso/cd.iso"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["scsi0"], "local:iso/cd.iso has wrong type 'iso' - needs to be 'images' or 'import'");
  ASSERT_EQ(f.wait_task(upload(f, "d.raw", "raw-bytes").body["data"]), "OK");
  r = f.call("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"scsi0", "local-lvm:8,import-from=local:import/d.raw"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["errors"]["scsi0"], "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>");
  // A token of root@pam is not root@pam.
  r = f.call("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"scsi0", "local-lvm:0,import-from=/etc/hostname"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body["message"], "Only root can pass arbitrary filesystem paths.\n");
  EXPECT_EQ(f.call("GET", "/nodes/pve1/qemu/100/config").status, 500);  // nothing was created
}

TEST(VmImport, RootTicketMayImportAHostPath) {
  ClusterConfig c = SimFixture::make_config();
  for (auto& u : c.users)
    if (u.userid == "root@pam") u.password = "pw";
  SimFixture f(c);
  auto login = f.core.auth.login("root@pam", "pw", "", f.core.wall(), 7200, "sim");
  RawRequest r;
  r.method = "POST";
  r.path = "/nodes/pve1/qemu";
  r.params = {{"vmid", "100"}, {"scsi0", "local-lvm:0,import-from=" + std::string(SARGA_SOURCE_DIR) + "/CMakeLists.txt"}};
  r.cookie = "PVEAuthCookie=" + login["ticket"].get<std::string>();
  r.csrf = login["CSRFPreventionToken"];
  Reply reply = f.router.handle(f.core, std::move(r));
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  ASSERT_EQ(f.wait_task(reply.body["data"]), "OK");
}

TEST(VmImport, CloudInitTemplateLikeAPublisherMakesIt) {
  SimFixture f;
  ASSERT_EQ(f.wait_task(upload(f, "deb-0123456789ab.qcow2", qcow2(4ULL << 30)).body["data"]), "OK");
  Reply r = f.call("POST", "/nodes/pve1/qemu",
                   {{"vmid", "100"}, {"name", "deb"}, {"bios", "ovmf"}, {"machine", "q35"},
                    {"efidisk0", "local-lvm:1,efitype=4m,pre-enrolled-keys=0"}, {"scsihw", "virtio-scsi-single"},
                    {"scsi0", "local-lvm:0,import-from=local:import/deb-0123456789ab.qcow2"},
                    {"ide2", "local-lvm:cloudinit"}, {"boot", "order=scsi0"}, {"serial0", "socket"},
                    {"vga", "serial0"}, {"agent", "enabled=1"}, {"ostype", "l26"}, {"net0", "virtio,bridge=vmbr0"},
                    {"tags", "sarga-build;Debian"}, {"description", "x\nsarga-build sha256=ab\n"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_EQ(f.wait_task(r.body["data"]), "OK");
  ASSERT_EQ(f.wait_task(f.call("POST", "/nodes/pve1/qemu/100/template").body["data"]), "OK");
  auto cfg = f.call("GET", "/nodes/pve1/qemu/100/config").body["data"];
  EXPECT_EQ(cfg["template"], 1);
  // The import made a disk of the image's virtual size; conversion renamed the disks to base-.
  EXPECT_EQ(cfg["scsi0"], "local-lvm:base-100-disk-1,size=4G");
  EXPECT_EQ(cfg["efidisk0"], "local-lvm:base-100-disk-0,efitype=4m,pre-enrolled-keys=0,size=528K");
  EXPECT_EQ(cfg["ide2"], "local-lvm:vm-100-cloudinit,media=cdrom");
  EXPECT_EQ(cfg["serial0"], "socket");
  EXPECT_EQ(cfg["vga"], "serial0");
  EXPECT_EQ(cfg["agent"], "enabled=1");
  EXPECT_EQ(cfg["tags"], "Debian;sarga-build");
  EXPECT_EQ(cfg["description"], "x\nsarga-build sha256=ab\n");
  EXPECT_NE(cfg["meta"].get<std::string>().find("ctime="), std::string::npos);
  auto list = f.call("GET", "/nodes/pve1/qemu").body["data"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["template"], 1);
  // The uploaded source is no longer referenced and can go; so can the template.
  Reply del = f.call("DELETE", "/nodes/pve1/storage/local/content/local:import/deb-0123456789ab.qcow2");
  ASSERT_EQ(del.status, 200) << del.body.dump();
  ASSERT_EQ(f.wait_task(f.call("DELETE", "/nodes/pve1/qemu/100", {{"purge", "1"}}).body["data"]), "OK");
  EXPECT_TRUE(f.call("GET", "/nodes/pve1/storage/local-lvm/content").body["data"].empty());
}

}  // namespace
}  // namespace sarga::pvesim
