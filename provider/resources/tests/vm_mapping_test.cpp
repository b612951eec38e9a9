// sarga_vm's translation between the model and PVE's QEMU config keys (pve_mapping.h), with
// the Proxmox pain points they guard against named in the test names.
#include <gtest/gtest.h>

#include <algorithm>

#include "provider/resources/vm/pve_mapping.h"

namespace sarga::resources::vm {
namespace {

std::string param(const pve::Params& p, const std::string& key) {
  for (const auto& [k, v] : p)
    if (k == key) return v;
  return "<absent>";
}

bool has_param(const pve::Params& p, const std::string& key) { return param(p, key) != "<absent>"; }

// A VM as PVE 9 shows one cloned from a cloud-image template.
pve::GuestConfig live() {
  pve::GuestConfig c;
  c.digest = "d1";
  c.values = {
      {"name", "web-1"},
      {"cores", "2"},
      {"sockets", "1"},
      {"cpu", "x86-64-v2-AES"},
      {"memory", "2048"},
      {"tags", "prod;web"},
      {"scsi0", "local-lvm:vm-104-disk-0,iothread=1,size=10G"},
      {"scsi1", "local-lvm:vm-104-disk-1,discard=on,size=20G,ssd=1"},
      {"ide2", "local-lvm:vm-104-cloudinit,media=cdrom"},
      {"net0", "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1,tag=20"},
      {"ipconfig0", "ip=10.0.0.5/24,gw=10.0.0.1"},
      {"ciuser", "ops"},
      {"sshkeys", "ssh-ed25519%20AAAA%20me%40host%0Assh-rsa%20BBBB"},
      {"nameserver", "1.1.1.1 9.9.9.9"},
      {"agent", "1"},
      {"onboot", "1"},
      {"startup", "order=2,up=30"},
      {"efidisk0", "local-lvm:vm-104-disk-2,efitype=4m,pre-enrolled-keys=1,size=528K"},
      {"hostpci0", "mapping=gpu,pcie=1"},
      {"smbios1", "uuid=5a1f0c3e-0000-4000-8000-000000000104"},
  };
  return c;
}

TEST(VmMapping, ObserveReadsEverySlotAndDefault) {
  Vm vm = observe(live(), true, "ide2");
  EXPECT_EQ(vm.name, "web-1");
  EXPECT_EQ(vm.cpu->cores, 2);
  EXPECT_EQ(vm.cpu->type, "x86-64-v2-AES");
  EXPECT_EQ(vm.memory->dedicated, 2048);
  EXPECT_FALSE(vm.memory->balloon);
  ASSERT_EQ(vm.disks->size(), 2u);  // the cloud-init drive is not a disk
  const Disk& d0 = vm.disks->at("scsi0");
  EXPECT_EQ(d0.storage, "local-lvm");
  EXPECT_EQ(d0.size_gb, 10.0);
  EXPECT_EQ(d0.iothread, true);
  EXPECT_EQ(d0.discard, false);
  EXPECT_EQ(d0.backup, true);
  EXPECT_EQ(d0.cache, "none");
  EXPECT_EQ(vm.disks->at("scsi1").discard, true);
  EXPECT_EQ(vm.disks->at("scsi1").ssd, true);
  const Nic& n = vm.network->at("net0");
  EXPECT_EQ(n.model, "virtio");
  EXPECT_EQ(n.mac, "BC:24:11:AA:BB:CC");
  EXPECT_EQ(n.vlan, 20);
  EXPECT_EQ(n.firewall, true);
  EXPECT_EQ(n.bridge, "vmbr0");
  ASSERT_TRUE(vm.cloud_init);
  EXPECT_EQ(vm.cloud_init->storage, "local-lvm");
  EXPECT_EQ(vm.cloud_init->user, "ops");
  EXPECT_EQ(vm.cloud_init->ssh_keys, (std::vector<std::string>{"ssh-ed25519 AAAA me@host", "ssh-rsa BBBB"}));
  EXPECT_EQ(vm.cloud_init->ipconfig->at("net0").ipv4, "10.0.0.5/24");
  EXPECT_EQ(vm.cloud_init->ipconfig->at("net0").gateway4, "10.0.0.1");
  EXPECT_EQ(vm.cloud_init->dns_servers, (std::vector<std::string>{"1.1.1.1", "9.9.9.9"}));
  EXPECT_EQ(vm.agent->enabled, true);
  EXPECT_EQ(vm.on_boot, true);
  EXPECT_EQ(vm.startup->order, 2);
  EXPECT_EQ(vm.startup->up, 30);
  EXPECT_FALSE(vm.startup->down);
  EXPECT_EQ(vm.efi_disk->type, "4m");
  EXPECT_EQ(vm.efi_disk->pre_enrolled_keys, true);
  EXPECT_EQ(vm.hostpci->at("hostpci0").mapping, "gpu");
  EXPECT_EQ(vm.hostpci->at("hostpci0").pcie, true);
  EXPECT_EQ(vm.started, true);
}

// Pain point 17: values PVE returns in odd shapes never crash the mapping.
TEST(VmMapping, Pain17OddValuesDoNotThrow) {
  pve::GuestConfig c;
  c.values = {{"cores", "two"}, {"memory", "current=4096"}, {"scsi0", "file=local:,,bad"},
              {"net0", "garbage"}, {"agent", "enabled=yes,fstrim_cloned_disks=1"}, {"onboot", "true"}};
  Vm vm;
  ASSERT_NO_THROW(vm = observe(c, false, ""));
  EXPECT_EQ(vm.cpu->cores, 1);
  EXPECT_EQ(vm.memory->dedicated, 4096);
  EXPECT_EQ(vm.agent->enabled, true);
  EXPECT_EQ(vm.on_boot, true);
}

// Pain point 9: disks are matched by slot, so a plan that lists them in any order changes nothing.
TEST(VmMapping, Pain9DisksBySlotNeedNoChange) {
  Vm want;
  want.disks.emplace();
  (*want.disks)["scsi1"] = Disk{.size_gb = 20.0};
  (*want.disks)["scsi0"] = Disk{.storage = "local-lvm", .size_gb = 10.0, .iothread = true};
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, live(), problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_TRUE(ch.empty()) << (ch.set.empty() ? ch.delete_param() : ch.set[0].first + "=" + ch.set[0].second);
}

// Pain point 11: growing a cloned disk is a resize (absolute size), a shrink a clear error.
TEST(VmMapping, Pain11GrowResizesShrinkNamesTheAttribute) {
  Vm want;
  want.disks.emplace();
  (*want.disks)["scsi0"] = Disk{.size_gb = 32.0};
  (*want.disks)["scsi1"] = Disk{.size_gb = 8.0};
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, live(), problems);
  ASSERT_EQ(ch.resizes.size(), 1u);
  EXPECT_EQ(ch.resizes[0].slot, "scsi0");
  EXPECT_EQ(ch.resizes[0].bytes, 32ULL << 30);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path.to_string(), "disks[\"scsi1\"].size_gb");
  EXPECT_NE(problems[0].detail.find("cannot shrink"), std::string::npos) << problems[0].detail;
}

// Pain point 10: adding disks, an EFI disk and NICs is an in-place config change.
TEST(VmMapping, Pain10AddingDisksEfiAndNicsIsInPlace) {
  Vm want;
  want.disks.emplace();
  (*want.disks)["virtio1"] = Disk{.storage = "local-lvm", .size_gb = 4.0, .discard = true};
  want.efi_disk = EfiDisk{.storage = "local-lvm", .type = "4m", .pre_enrolled_keys = false};
  want.network.emplace();
  (*want.network)["net1"] = Nic{.bridge = "vmbr1", .vlan = 30, .model = "virtio"};
  pve::GuestConfig c = live();
  c.values.erase("efidisk0");
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, c, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(param(ch.set, "virtio1"), "local-lvm:4,discard=on");
  EXPECT_EQ(param(ch.set, "efidisk0"), "local-lvm:1,efitype=4m,pre-enrolled-keys=0");
  EXPECT_EQ(param(ch.set, "bios"), "ovmf");
  EXPECT_EQ(param(ch.set, "net1"), "virtio,bridge=vmbr1,tag=30");
  EXPECT_TRUE(ch.del.empty());
}

TEST(VmMapping, NewDiskNeedsStorageAndSize) {
  Vm want;
  want.disks.emplace();
  (*want.disks)["scsi5"] = Disk{.size_gb = 4.0};
  (*want.disks)["scsi6"] = Disk{.storage = "local-lvm"};
  (*want.disks)["scsi7"] = Disk{.storage = "local-lvm", .size_gb = 16.0, .import_from = "local:import/noble.qcow2"};
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, live(), problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].path.to_string(), "disks[\"scsi5\"].storage");
  EXPECT_EQ(problems[1].path.to_string(), "disks[\"scsi6\"].size_gb");
  EXPECT_EQ(param(ch.set, "scsi7"), "local-lvm:0,import-from=local:import/noble.qcow2");
}

TEST(VmMapping, MovingADiskIsRefused) {
  Vm want;
  want.disks.emplace();
  (*want.disks)["scsi0"] = Disk{.storage = "nfs"};
  std::vector<Problem> problems;
  config_changes(want, Vm{}, live(), problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path.to_string(), "disks[\"scsi0\"].storage");
}

TEST(VmMapping, DiskOptionsChangeKeepsVolumeAndSize) {
  Vm want;
  want.disks.emplace();
  (*want.disks)["scsi0"] = Disk{.cache = "writeback", .iothread = false, .backup = false};
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, live(), problems);
  std::string v = param(ch.set, "scsi0");
  EXPECT_NE(v.find("local-lvm:vm-104-disk-0"), std::string::npos) << v;
  EXPECT_NE(v.find("cache=writeback"), std::string::npos) << v;
  EXPECT_NE(v.find("backup=0"), std::string::npos) << v;
  EXPECT_EQ(v.find("iothread"), std::string::npos) << v;
  EXPECT_NE(v.find("size=10G"), std::string::npos) << v;
}

TEST(VmMapping, RemovedSlotsAreDeletedOnlyWhenManaged) {
  Vm prior;
  prior.disks.emplace();
  (*prior.disks)["scsi0"] = Disk{};
  (*prior.disks)["scsi1"] = Disk{};
  prior.network.emplace();
  (*prior.network)["net0"] = Nic{};
  Vm want;
  want.disks.emplace();
  (*want.disks)["scsi0"] = Disk{};
  want.network.emplace();  // net0 dropped
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, prior, live(), problems);
  EXPECT_EQ(ch.delete_param(), "net0,scsi1");
  // Slots the state never managed (inherited from a template) are left alone.
  ConfigChange untouched = config_changes(want, Vm{}, live(), problems);
  EXPECT_TRUE(untouched.del.empty());
}

// Pain point 13: tags in any case or order are no change; a real change is sent lower-case.
TEST(VmMapping, Pain13TagsNormalised) {
  Vm want;
  want.tags = std::vector<std::string>{"Web", "PROD"};
  std::vector<Problem> problems;
  EXPECT_TRUE(config_changes(want, Vm{}, live(), problems).empty());
  want.tags = std::vector<std::string>{"Web", "Blue"};
  EXPECT_EQ(param(config_changes(want, Vm{}, live(), problems).set, "tags"), "blue;web");
  EXPECT_EQ(tags_in_prior_spelling({"prod", "web"}, {"Web", "PROD"}), (std::vector<std::string>{"PROD", "Web"}));
}

TEST(VmMapping, NicChangeKeepsMacAndUnknownOptions) {
  Vm want;
  want.network.emplace();
  (*want.network)["net0"] = Nic{.bridge = "vmbr1", .model = "virtio", .firewall = true};
  pve::GuestConfig c = live();
  c.values["net0"] = "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1,queues=4,tag=20";
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, c, problems);
  std::string v = param(ch.set, "net0");
  EXPECT_NE(v.find("virtio=BC:24:11:AA:BB:CC"), std::string::npos) << v;
  EXPECT_NE(v.find("bridge=vmbr1"), std::string::npos) << v;
  EXPECT_NE(v.find("queues=4"), std::string::npos) << v;
  EXPECT_EQ(v.find("tag="), std::string::npos) << v;
}

TEST(VmMapping, UnchangedNicIsNoChangeAndMacIsNotQuoted) {
  Vm want;
  want.network.emplace();
  (*want.network)["net0"] = Nic{.bridge = "vmbr0", .vlan = 20, .model = "virtio", .firewall = true};
  std::vector<Problem> problems;
  EXPECT_TRUE(config_changes(want, Vm{}, live(), problems).set.empty());
  (*want.network)["net0"].vlan = 21;
  std::string v = param(config_changes(want, Vm{}, live(), problems).set, "net0");
  EXPECT_EQ(v.rfind("virtio=BC:24:11:AA:BB:CC,", 0), 0u) << v;
  EXPECT_EQ(v.find('"'), std::string::npos) << v;
}

TEST(VmMapping, ClonedNicGetsAVlan) {
  Vm want;
  want.network.emplace();
  (*want.network)["net0"] = Nic{.bridge = "vmbr0", .vlan = 20, .model = "virtio", .firewall = false};
  pve::GuestConfig c;
  c.values["net0"] = "virtio=BC:24:11:45:9C:1F,bridge=vmbr0";
  std::vector<Problem> problems;
  EXPECT_EQ(param(config_changes(want, Vm{}, c, problems).set, "net0"), "virtio=BC:24:11:45:9C:1F,bridge=vmbr0,tag=20");
}

// Pain point 19: a clone whose template lost its cloud-init drive gets one back.
TEST(VmMapping, Pain19CloudInitDriveRecreatedWhenMissing) {
  Vm want;
  want.cloud_init = CloudInit{.storage = "local-lvm", .interface = "ide2", .user = "ops"};
  pve::GuestConfig c = live();
  c.values.erase("ide2");
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, c, problems);
  EXPECT_EQ(param(ch.set, "ide2"), "local-lvm:cloudinit");
  // Without a storage the error names cloud_init.storage.
  want.cloud_init->storage.reset();
  problems.clear();
  config_changes(want, Vm{}, c, problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path.to_string(), "cloud_init.storage");
}

TEST(VmMapping, NativeCloudInitKeys) {
  Vm want;
  want.cloud_init = CloudInit{.storage = "local-lvm", .interface = "ide2", .user = "admin", .password = "pw"};
  want.cloud_init->ssh_keys = std::vector<std::string>{"ssh-ed25519 AAAA me@host"};
  want.cloud_init->ipconfig = std::map<std::string, IpConfig>{{"net1", IpConfig{.ipv4 = "dhcp"}}};
  want.cloud_init->search_domain = "lab";
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, live(), problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_FALSE(has_param(ch.set, "ide2"));  // the existing drive is kept
  EXPECT_EQ(param(ch.set, "ciuser"), "admin");
  EXPECT_EQ(param(ch.set, "cipassword"), "pw");
  EXPECT_EQ(param(ch.set, "sshkeys"), "ssh-ed25519%20AAAA%20me%40host");
  EXPECT_EQ(param(ch.set, "ipconfig1"), "ip=dhcp");
  EXPECT_EQ(param(ch.set, "searchdomain"), "lab");
  EXPECT_EQ(ch.delete_param(), "ipconfig0,nameserver");
}

// Pain point 8: a new seed volume swaps the cdrom in place (no replacement).
TEST(VmMapping, Pain8SeedVolumeSwapsTheCdrom) {
  Vm want;
  want.cloud_init = CloudInit{.interface = "ide2", .seed_volume = "local:iso/seed-b.iso"};
  pve::GuestConfig c = live();
  c.values["ide2"] = "local:iso/seed-a.iso,media=cdrom,size=364K";
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, c, problems);
  EXPECT_EQ(param(ch.set, "ide2"), "local:iso/seed-b.iso,media=cdrom");
  EXPECT_TRUE(ch.seed_swapped);
  EXPECT_FALSE(has_param(ch.set, "ciuser"));  // native keys are not touched in seed mode
  c.values["ide2"] = "local:iso/seed-b.iso,media=cdrom,size=364K";
  EXPECT_FALSE(has_param(config_changes(want, Vm{}, c, problems).set, "ide2"));
  Vm seen = observe(c, true, "ide2");
  EXPECT_EQ(seen.cloud_init->seed_volume, "local:iso/seed-b.iso");
}

// Pain point 14: unset attributes after a clone keep the template's values: no change sent.
TEST(VmMapping, Pain14UnsetAttributesAreLeftAlone) {
  std::vector<Problem> problems;
  EXPECT_TRUE(config_changes(Vm{}, Vm{}, live(), problems).empty());
  Vm want;
  want.cpu = Cpu{.cores = 2};  // sockets/type unset
  want.memory = Memory{.dedicated = 2048};
  want.description = std::nullopt;
  EXPECT_TRUE(config_changes(want, Vm{}, live(), problems).empty());
}

TEST(VmMapping, StateFromReadKeepsManagedSlotsAndConfigOnlyValues) {
  Vm prior;
  prior.disks.emplace();
  (*prior.disks)["scsi0"] = Disk{.storage = "local-lvm", .size_gb = 10.0, .format = "raw",
                                 .import_from = "local:import/x.qcow2"};
  prior.network.emplace();
  prior.clone = Clone{.source_vmid = 9000, .full = true};
  prior.pool = "ci";
  prior.started = true;
  prior.agent = Agent{.enabled = true, .wait_for_ip = WaitForIp{"5m", "any"}};
  prior.tags = std::vector<std::string>{"Prod"};
  prior.cloud_init = CloudInit{.interface = "ide2", .user = "ops", .password = "secret"};
  Vm s = state_from_read(prior, observe(live(), true, "ide2"), false);
  ASSERT_EQ(s.disks->size(), 1u);  // scsi1 is not managed
  EXPECT_EQ(s.disks->at("scsi0").format, "raw");
  EXPECT_EQ(s.disks->at("scsi0").import_from, "local:import/x.qcow2");
  EXPECT_TRUE(s.network->empty());
  EXPECT_EQ(s.clone, prior.clone);
  EXPECT_EQ(s.pool, "ci");
  EXPECT_EQ(s.agent->wait_for_ip, prior.agent->wait_for_ip);
  EXPECT_EQ(s.tags, (std::vector<std::string>{"Prod", "web"}));
  EXPECT_FALSE(s.cloud_init->password);  // write-only: never in state
  EXPECT_EQ(s.cloud_init->storage, "local-lvm");
  EXPECT_FALSE(s.hostpci);  // never managed
  // Importing takes every slot.
  Vm imported = state_from_read(Vm{}, observe(live(), true, ""), true);
  EXPECT_EQ(imported.disks->size(), 2u);
  EXPECT_EQ(imported.network->size(), 1u);
  EXPECT_EQ(imported.hostpci->size(), 1u);
  ASSERT_TRUE(imported.cloud_init);
  EXPECT_EQ(imported.cloud_init->interface, "ide2");
  EXPECT_EQ(imported.reboot_after_update, true);
}

TEST(VmMapping, HostPciByMappingOrId) {
  Vm want;
  want.hostpci = std::map<std::string, HostPci>{{"hostpci0", HostPci{.mapping = "gpu", .pcie = true}},
                                                {"hostpci1", HostPci{.id = "0000:01:00.0", .x_vga = true}}};
  std::vector<Problem> problems;
  ConfigChange ch = config_changes(want, Vm{}, live(), problems);
  EXPECT_FALSE(has_param(ch.set, "hostpci0"));
  EXPECT_EQ(param(ch.set, "hostpci1"), "0000:01:00.0,x-vga=1");
}

TEST(VmMapping, SshKeysRoundTrip) {
  std::vector<std::string> keys = {"ssh-ed25519 AAAA+/= a b@c", "ssh-rsa X"};
  EXPECT_EQ(decode_ssh_keys(encode_ssh_keys(keys)), keys);
  EXPECT_EQ(format_gib(32), "32");
  EXPECT_EQ(format_gib(0.5), "0.5");
}

}  // namespace
}  // namespace sarga::resources::vm
