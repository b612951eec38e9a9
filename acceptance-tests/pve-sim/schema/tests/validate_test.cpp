// Request validation against the embedded PVE 9.1 schema, with PVE's exact error texts.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "acceptance-tests/pve-sim/schema/schema.h"

using namespace sarga::pvesim::schema;

namespace {

const Schema& S() { return Schema::builtin(); }

Validation check(const char* method, const char* path, const Params& params) {
  Match m = S().match(method, path);
  EXPECT_EQ(m.status, Match::Status::found) << method << " " << path;
  return S().validate(m, params);
}

std::string error_of(const Validation& v, const std::string& name) {
  auto it = v.errors.find(name);
  return it == v.errors.end() ? std::string("<no error for ") + name + ">" : it->second;
}

const Params kGoodQemuCreate = {
    {"vmid", "100"},
    {"name", "web-1"},
    {"memory", "2048"},
    {"cores", "2"},
    {"net0", "virtio,bridge=vmbr0,tag=20"},
    {"scsi0", "local-lvm:32,discard=on"},
    {"ipconfig0", "ip=10.0.0.5/24,gw=10.0.0.1"},
    {"agent", "enabled=1,fstrim_cloned_disks=1"},
    {"tags", "prod;web"},
    {"start", "1"},
};

TEST(PveSchemaValidate, AcceptsARealQemuCreate) {
  Validation v = check("POST", "/nodes/pve1/qemu", kGoodQemuCreate);
  EXPECT_TRUE(v.ok()) << (v.errors.empty() ? "" : v.errors.begin()->first + ": " + v.errors.begin()->second);
  EXPECT_EQ(v.values.at("node"), "pve1");
  EXPECT_EQ(v.values.at("vmid"), "100");

  const PropertyMap& net0 = v.property_strings.at("net0");
  EXPECT_EQ(net0.at("model"), "virtio");
  EXPECT_EQ(net0.at("bridge"), "vmbr0");
  EXPECT_EQ(net0.at("tag"), "20");

  const PropertyMap& scsi0 = v.property_strings.at("scsi0");
  EXPECT_EQ(scsi0.at("file"), "local-lvm:32");
  EXPECT_EQ(scsi0.at("discard"), "on");

  const PropertyMap& ip = v.property_strings.at("ipconfig0");
  EXPECT_EQ(ip.at("ip"), "10.0.0.5/24");
  EXPECT_EQ(ip.at("gw"), "10.0.0.1");
  EXPECT_EQ(v.property_strings.at("agent").at("enabled"), "1");
}

TEST(PveSchemaValidate, UnknownParameterIsRejected) {
  Params p = kGoodQemuCreate;
  p.push_back({"colour", "blue"});
  Validation v = check("POST", "/nodes/pve1/qemu", p);
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(error_of(v, "colour"),
            "property is not defined in schema and the schema does not allow additional properties");
}

TEST(PveSchemaValidate, IndexedFamiliesEndWhereProxmoxEnds) {
  // net0..net31 exist (MAX_NETS 32), net32 does not; scsi goes to 30.
  EXPECT_TRUE(check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net31", "virtio,bridge=vmbr0"}}).ok());
  Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net32", "virtio,bridge=vmbr0"}});
  EXPECT_EQ(error_of(v, "net32"),
            "property is not defined in schema and the schema does not allow additional properties");
  EXPECT_TRUE(check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"scsi30", "local-lvm:1"}}).ok());
  EXPECT_FALSE(check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"scsi31", "local-lvm:1"}}).ok());
  EXPECT_TRUE(check("POST", "/nodes/pve1/lxc", {{"vmid", "100"}, {"ostemplate", "local:vztmpl/a.tar.zst"},
                                                {"mp255", "local-lvm:1,mp=/x"}}).ok());
}

TEST(PveSchemaValidate, BadVmidsGiveTheFormatMessage) {
  // pve-vmid's format check runs before minimum/maximum, so both get its message.
  for (const char* vmid : {"99", "1000000000"}) {
    Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", vmid}});
    EXPECT_EQ(error_of(v, "vmid"), "invalid format - value does not look like a valid VM ID\n") << vmid;
  }
  Validation v = check("GET", "/nodes/pve1/qemu/abc/config", {});
  EXPECT_EQ(error_of(v, "vmid"), "type check ('integer') failed - got 'abc'");
}

TEST(PveSchemaValidate, MinimumAndMaximum) {
  Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"cores", "0"}});
  EXPECT_EQ(error_of(v, "cores"), "value must have a minimum value of 1");
  v = check("GET", "/nodes/pve1/tasks/UPID:pve1:00000001:00000002:00000003:qmstart:100:root@pam:/log",
            {{"limit", "-1"}});
  EXPECT_EQ(error_of(v, "limit"), "value must have a minimum value of 0");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", "virtio,bridge=vmbr0,tag=4095"}});
  EXPECT_EQ(error_of(v, "net0"),
            "invalid format - format error\nnet0.tag: value must have a maximum value of 4094\n");
}

TEST(PveSchemaValidate, BadEnum) {
  Validation v = check("GET", "/cluster/resources", {{"type", "vms"}});
  EXPECT_EQ(error_of(v, "type"), "value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'");
}

TEST(PveSchemaValidate, MissingRequiredParameter) {
  Validation v = check("POST", "/nodes/pve1/qemu/100/clone", {});
  EXPECT_EQ(error_of(v, "newid"), "property is missing and it is not optional");
  v = check("POST", "/nodes/pve1/lxc", {{"vmid", "101"}});
  EXPECT_EQ(error_of(v, "ostemplate"), "property is missing and it is not optional");
}

TEST(PveSchemaValidate, PropertyStringSubKeyErrors) {
  Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", "virtio,bridge=vm br0"}});
  EXPECT_EQ(error_of(v, "net0"),
            "invalid format - format error\nnet0.bridge: invalid format - invalid bridge ID 'vm br0'\n\n");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", "virtio,colour=red"}});
  EXPECT_EQ(error_of(v, "net0"), "invalid format - invalid key in comma-separated list property: colour\n");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", "virtio,bridge=vmbr0,firewall=maybe"}});
  EXPECT_EQ(error_of(v, "net0"),
            "invalid format - format error\nnet0.firewall: type check ('boolean') failed - got 'maybe'\n");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", "rtl9999,bridge=vmbr0"}});
  EXPECT_EQ(error_of(v, "net0"),
            "invalid format - format error\nnet0.model: value 'rtl9999' does not have a value in the "
            "enumeration 'e1000, e1000-82540em, e1000-82544gc, e1000-82545em, e1000e, i82551, i82557b, "
            "i82559er, ne2k_isa, ne2k_pci, pcnet, rtl8139, virtio, vmxnet3'\n");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"scsi0", "local-lvm:32,discard=yes"}});
  EXPECT_EQ(error_of(v, "scsi0"),
            "invalid format - format error\nscsi0.discard: value 'yes' does not have a value in the "
            "enumeration 'ignore, on'\n");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"ipconfig0", "ip=10.0.0.5,gw=10.0.0.1"}});
  EXPECT_EQ(error_of(v, "ipconfig0"),
            "invalid format - format error\nipconfig0.ip: invalid format - value does not look like a "
            "valid ipv4 network configuration\n\n");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", "virtio,virtio,bridge=vmbr0"}});
  EXPECT_EQ(error_of(v, "net0"), "invalid format - duplicate key in comma-separated list property: model\n");
}

TEST(PveSchemaValidate, MacAddressKeyAlias) {
  Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0"}});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.property_strings.at("net0").at("model"), "virtio");
  EXPECT_EQ(v.property_strings.at("net0").at("macaddr"), "BC:24:11:AA:BB:CC");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", "virtio=BD:24:11:AA:BB:CC"}});
  EXPECT_EQ(error_of(v, "net0"),
            "invalid format - format error\nnet0.macaddr: invalid format - value does not look like a valid "
            "unicast MAC address\n\n");
}

TEST(PveSchemaValidate, LxcCreateRootfsAndMountPoint) {
  Validation v = check("POST", "/nodes/pve2/lxc",
                       {{"vmid", "200"},
                        {"ostemplate", "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"},
                        {"rootfs", "local-lvm:8"},
                        {"mp0", "local-lvm:4,mp=/data,backup=1"},
                        {"net0", "name=eth0,bridge=vmbr0,ip=dhcp,ip6=auto"},
                        {"unprivileged", "1"},
                        {"features", "nesting=1"}});
  ASSERT_TRUE(v.ok()) << v.errors.begin()->first << ": " << v.errors.begin()->second;
  EXPECT_EQ(v.property_strings.at("rootfs").at("volume"), "local-lvm:8");
  EXPECT_EQ(v.property_strings.at("mp0").at("mp"), "/data");
  EXPECT_EQ(v.property_strings.at("net0").at("name"), "eth0");
  EXPECT_EQ(v.property_strings.at("features").at("nesting"), "1");

  v = check("POST", "/nodes/pve2/lxc",
            {{"vmid", "200"}, {"ostemplate", "local:vztmpl/x.tar.zst"}, {"mp0", "local-lvm:4"}});
  EXPECT_EQ(error_of(v, "mp0"), "invalid format - format error\nmp0.mp: property is missing and it is not optional\n");
  v = check("POST", "/nodes/pve2/lxc",
            {{"vmid", "200"}, {"ostemplate", "local:vztmpl/x.tar.zst"}, {"mp0", "local-lvm:4,mp=/a/../etc"}});
  EXPECT_EQ(error_of(v, "mp0"),
            "invalid format - format error\nmp0.mp: invalid format - /a/../etc contains illegal character "
            "sequences\n\n");
  v = check("POST", "/nodes/pve2/lxc",
            {{"vmid", "200"}, {"ostemplate", "local:vztmpl/x.tar.zst"}, {"net0", "bridge=vmbr0"}});
  EXPECT_EQ(error_of(v, "net0"), "invalid format - format error\nnet0.name: property is missing and it is not optional\n");
}

TEST(PveSchemaValidate, BooleanForms) {
  // Property strings take PVE's parse_boolean forms and store 1/0.
  for (const char* form : {"1", "on", "yes", "true", "TRUE"}) {
    Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", std::string("virtio,firewall=") + form}});
    ASSERT_TRUE(v.ok()) << form;
    EXPECT_EQ(v.property_strings.at("net0").at("firewall"), "1") << form;
  }
  for (const char* form : {"0", "off", "no", "false"}) {
    Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"net0", std::string("virtio,firewall=") + form}});
    ASSERT_TRUE(v.ok()) << form;
    EXPECT_EQ(v.property_strings.at("net0").at("firewall"), "0") << form;
  }
  // Top-level booleans go through check_type, which takes only 0 and 1.
  EXPECT_TRUE(check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"start", "0"}}).ok());
  Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"start", "true"}});
  EXPECT_EQ(error_of(v, "start"), "type check ('boolean') failed - got 'true'");
}

TEST(PveSchemaValidate, NumbersAndPatterns) {
  EXPECT_TRUE(check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"cpulimit", "1.5"}}).ok());
  Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"cpulimit", "1,5"}});
  EXPECT_EQ(error_of(v, "cpulimit"), "type check ('number') failed - got '1,5'");
  v = check("PUT", "/nodes/pve1/qemu/100/resize", {{"disk", "scsi0"}, {"size", "+1X"}});
  EXPECT_EQ(error_of(v, "size"), "value does not match the regex pattern");
  EXPECT_TRUE(check("PUT", "/nodes/pve1/qemu/100/resize", {{"disk", "scsi0"}, {"size", "+10G"}}).ok());
  v = check("POST", "/nodes/pve1/storage/local/download-url",
            {{"url", "ftp://x/y.iso"}, {"content", "iso"}, {"filename", "y.iso"}});
  EXPECT_EQ(error_of(v, "url"), "value does not match the regex pattern");
}

TEST(PveSchemaValidate, ListFormats) {
  EXPECT_TRUE(check("PUT", "/nodes/pve1/qemu/100/config", {{"delete", "net1,scsi2;ide2"}}).ok());
  Validation v = check("PUT", "/nodes/pve1/qemu/100/config", {{"delete", "net1,2bad"}});
  EXPECT_EQ(error_of(v, "delete"), "invalid format - invalid configuration ID '2bad'\n");
  v = check("PUT", "/nodes/pve1/qemu/100/config", {{"tags", "ok;not ok!"}});
  EXPECT_EQ(error_of(v, "tags"), "invalid format - invalid characters in tag\n");
}

TEST(PveSchemaValidate, ArrayParameters) {
  Validation v = check("POST", "/nodes/pve1/qemu/100/agent/exec", {{"command", "ls"}, {"command", "-l"}});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.arrays.at("command"), (std::vector<std::string>{"ls", "-l"}));
  v = check("POST", "/nodes/pve1/qemu/100/agent/exec", {});
  EXPECT_EQ(error_of(v, "command"), "property is missing and it is not optional");
}

TEST(PveSchemaValidate, SeveralErrorsAtOnce) {
  Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "1"}, {"cores", "x"}, {"bogus", "1"}});
  EXPECT_EQ(v.errors.size(), 3u);
  EXPECT_TRUE(v.errors.count("vmid") && v.errors.count("cores") && v.errors.count("bogus"));
}

TEST(PveSchemaValidate, StartupAndNamedFormats) {
  EXPECT_TRUE(check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"startup", "order=2,up=30"}}).ok());
  Validation v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"startup", "first"}});
  EXPECT_EQ(error_of(v, "startup"), "invalid format - unable to parse startup options\n");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"name", "bad_name"}});
  EXPECT_EQ(error_of(v, "name"), "invalid format - value does not look like a valid DNS name\n");
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"pool", "a b"}});
  EXPECT_NE(error_of(v, "pool").find("invalid format - "), std::string::npos);
  v = check("POST", "/nodes/pve1/qemu", {{"vmid", "100"}, {"storage", "1local"}});
  EXPECT_EQ(error_of(v, "storage"), "invalid format - storage ID '1local' contains illegal characters\n");
}

TEST(PveSchemaValidate, PathNodeIsChecked) {
  Validation v = check("GET", "/nodes/-bad-/qemu", {});
  EXPECT_EQ(error_of(v, "node"), "invalid format - value does not look like a valid node name\n");
}

}  // namespace

namespace {

TEST(PveSchemaValidate, AccessFormats) {
  Validation v = check("POST", "/access/users/root@pam/token/sarga", {{"privsep", "0"}});
  EXPECT_TRUE(v.ok()) << (v.errors.empty() ? "" : v.errors.begin()->second);
  v = check("POST", "/access/users/root/token/sarga", {});
  EXPECT_EQ(error_of(v, "userid"), "invalid format - value 'root' does not look like a valid user name\n");
  v = check("POST", "/access/users/root@pam/token/1bad", {});
  EXPECT_EQ(error_of(v, "tokenid"), "value does not match the regex pattern");
  v = check("POST", "/access/ticket", {{"username", "root@pam"}, {"password", "secret"}});
  EXPECT_TRUE(v.ok());
  v = check("POST", "/pools", {{"poolid", "team a"}});
  EXPECT_EQ(error_of(v, "poolid"), "invalid format - pool name 'team a' contains invalid characters\n");
  EXPECT_TRUE(check("POST", "/pools", {{"poolid", "team-a"}}).ok());
}

}  // namespace

namespace {

TEST(PveSchemaValidate, MoreNamedFormats) {
  EXPECT_TRUE(check("PUT", "/nodes/pve1/qemu/100/config", {{"hotplug", "network,disk,usb"}}).ok());
  Validation v = check("PUT", "/nodes/pve1/qemu/100/config", {{"hotplug", "network,gpu"}});
  EXPECT_EQ(error_of(v, "hotplug"), "invalid format - invalid hotplug feature 'gpu'\n");
  v = check("GET", "/nodes/pve1/tasks", {{"statusfilter", "ok,failed"}});
  EXPECT_EQ(error_of(v, "statusfilter"), "invalid format - invalid status 'failed'\n");
  EXPECT_TRUE(check("GET", "/nodes/pve1/tasks", {{"statusfilter", "ok,error"}, {"vmid", "100"}}).ok());
  v = check("PUT", "/nodes/pve1/qemu/100/config", {{"cicustom", "user=local:snippets/u.yaml"}});
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.property_strings.at("cicustom").at("user"), "local:snippets/u.yaml");
  v = check("PUT", "/nodes/pve1/qemu/100/config", {{"boot", "order=scsi0;floppy0"}});
  EXPECT_EQ(error_of(v, "boot"),
            "invalid format - format error\nboot.order: invalid format - invalid boot device 'floppy0'\n\n");
  v = check("PUT", "/nodes/pve1/qemu/100/config", {{"cicustom", "user=nonsense"}});
  EXPECT_EQ(error_of(v, "cicustom"),
            "invalid format - format error\ncicustom.user: invalid format - unable to parse volume ID 'nonsense'\n\n");
}

}  // namespace

namespace {

TEST(PveSchemaValidate, ServerSideParameterHandling) {
  // "_dc" (ExtJS cache buster) is removed by pve-http-server before validation.
  EXPECT_TRUE(check("GET", "/nodes/pve1/qemu/100/config", {{"_dc", "1700000000000"}}).ok());
  // Unknown query parameters on GETs are rejected like form parameters.
  Validation v = check("GET", "/nodes/pve1/qemu/100/config", {{"full", "1"}});
  EXPECT_EQ(error_of(v, "full"),
            "property is not defined in schema and the schema does not allow additional properties");
  // Path parameters win over same-named request parameters.
  v = check("GET", "/nodes/pve1/qemu/100/config", {{"vmid", "101"}});
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.values.at("vmid"), "100");
  // An empty value counts as absent (pve-http-server's form decoder).
  v = check("POST", "/nodes/pve1/qemu/100/clone", {{"newid", ""}});
  EXPECT_EQ(error_of(v, "newid"), "property is missing and it is not optional");
  // A repeated scalar parameter is joined with NUL, which then fails its checks.
  v = check("POST", "/nodes/pve1/qemu/100/clone", {{"newid", "101"}, {"newid", "102"}});
  EXPECT_EQ(error_of(v, "newid"), "type check ('integer') failed - got '101" + std::string(1, '\0') + "102'");
}

TEST(PveSchemaValidate, ConcurrentUseGivesTheSameAnswers) {
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        Match m = S().match("POST", "/nodes/pve1/qemu");
        Validation good = S().validate(m, kGoodQemuCreate);
        Validation bad = S().validate(m, {{"vmid", "99"}});
        if (!good.ok() || bad.errors.size() != 1) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace

namespace {

// Values that real clients (bpg, Telmate, proxmoxer users) send must pass.
TEST(PveSchemaValidate, ValuesRealClientsSend) {
  Params qemu = {
      {"ide2", "local-lvm:cloudinit"},
      {"ide0", "local:iso/debian-12.iso,media=cdrom"},
      {"scsi1", "local-lvm:0,import-from=local:import/noble.qcow2,discard=on,ssd=1"},
      {"efidisk0", "local-lvm:1,efitype=4m,pre-enrolled-keys=1"},
      {"tpmstate0", "local-lvm:1,version=v2.0"},
      {"serial0", "socket"},
      {"vga", "serial0"},
      {"cpu", "x86-64-v2-AES,flags=+aes"},
      {"boot", "order=scsi0;ide2;net0"},
      {"machine", "q35"},
      {"bios", "ovmf"},
      {"scsihw", "virtio-scsi-single"},
      {"sshkeys", "ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIExample%20me%40host"},
      {"ciuser", "debian"},
      {"nameserver", "1.1.1.1 9.9.9.9"},
      {"searchdomain", "example.org"},
      {"ipconfig1", "ip=dhcp,ip6=auto"},
      {"onboot", "1"},
      {"balloon", "0"},
      {"numa", "0"},
      {"description", "managed by sarga"},
      {"digest", "0123456789abcdef0123456789abcdef01234567"},
      {"delete", "net2"},
  };
  Validation v = check("POST", "/nodes/pve1/qemu/100/config", qemu);
  for (const auto& [k, e] : v.errors) ADD_FAILURE() << k << ": " << e;
  EXPECT_EQ(v.property_strings.at("cpu").at("cputype"), "x86-64-v2-AES");
  EXPECT_EQ(v.property_strings.at("boot").at("order"), "scsi0;ide2;net0");

  Params lxc = {
      {"vmid", "300"},
      {"ostemplate", "local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz"},
      {"hostname", "web-1"},
      {"password", "s3cret-pass"},
      {"ssh-public-keys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample me@host"},
      {"cores", "2"},
      {"memory", "1024"},
      {"swap", "512"},
      {"rootfs", "local-lvm:8,mountoptions=noatime;nodev"},
      {"net0", "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:02,ip=10.0.0.9/24,gw=10.0.0.1,tag=20,firewall=1"},
      {"onboot", "1"},
      {"startup", "order=3"},
      {"tags", "web,prod"},
      {"pool", "team-a"},
      {"storage", "local-lvm"},
      {"start", "1"},
  };
  v = check("POST", "/nodes/pve1/lxc", lxc);
  for (const auto& [k, e] : v.errors) ADD_FAILURE() << k << ": " << e;

  Params upload = {{"content", "iso"}, {"filename", "seed.iso"},
                   {"checksum", "abc"}, {"checksum-algorithm", "sha256"}};
  v = check("POST", "/nodes/pve1/storage/local/upload", upload);
  for (const auto& [k, e] : v.errors) ADD_FAILURE() << k << ": " << e;
  v = check("POST", "/nodes/pve1/storage/local/upload", {{"content", "snippets"}, {"filename", "u.yaml"}});
  EXPECT_EQ(error_of(v, "content"),
            "value 'snippets' does not have a value in the enumeration 'iso, vztmpl, import'");
}

}  // namespace
