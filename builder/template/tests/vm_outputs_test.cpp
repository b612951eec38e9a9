// The VM image post-processors: disk-image (with partition blocks), qemu-verify and
// proxmox-vm-template decode with their defaults, and their errors are exact and located.
#include <gtest/gtest.h>

#include "builder/template/tests/test_util.h"
#include "builder/template/units.h"

using namespace sarga::tmpl;
using namespace sarga::tmpl::testing;

namespace {

// Line 6 of the result is the first line of `post_processors`.
std::string vm_build(const std::string& post_processors) {
  return "source \"rootfs\" \"r\" {\n  path = \"/srv/rootfs\"\n}\nbuild {\n  sources = [\"source.rootfs.r\"]\n" +
         post_processors + "}\n";
}

const char* kPublish = R"(  post-processor "proxmox-vm-template" {
    endpoint = "https://pve:8006"
    token    = "ci@pve!build=secret-value"
    node     = "pve1"
  }
)";

}  // namespace

TEST(VmOutputs, DefaultsOfTheThreeBlocks) {
  auto specs = load_template_text(vm_build("  post-processor \"disk-image\" {}\n  post-processor \"qemu-verify\" {}\n" +
                                           std::string(kPublish)),
                                  "/t/vm.pkr.hcl", false);
  ASSERT_EQ(specs.at(0).outputs.size(), 3u);
  const auto& outs = specs[0].outputs;
  EXPECT_EQ(outs[0].kind, OutputKind::disk_image);
  const auto& d = std::get<DiskImageSettings>(outs[0].settings);
  EXPECT_EQ(d.format, ImageFormat::qcow2);
  EXPECT_EQ(d.size_mib, 4096u);
  EXPECT_EQ(d.esp_size_mib, 256u);
  EXPECT_EQ(d.serial_console, "ttyS0,115200");
  EXPECT_TRUE(d.partitions.empty());
  EXPECT_EQ(outs[1].kind, OutputKind::qemu_verify);
  const auto& v = std::get<QemuVerifySettings>(outs[1].settings);
  EXPECT_EQ(v.timeout_seconds, 600);
  EXPECT_EQ(v.memory_mib, 1024);
  EXPECT_EQ(v.cpus, 2);
  EXPECT_EQ(v.accelerator, Accelerator::automatic);
  EXPECT_TRUE(v.network);
  EXPECT_TRUE(v.agent);
  EXPECT_EQ(outs[2].kind, OutputKind::proxmox_vm_template);
  const auto& p = std::get<ProxmoxVmTemplateSettings>(outs[2].settings);
  EXPECT_EQ(p.storage, "local-lvm");
  EXPECT_EQ(p.import_storage, "local");
  EXPECT_FALSE(p.vmid.has_value());
  EXPECT_EQ(p.bridge, "vmbr0");
  EXPECT_EQ(p.token, "ci@pve!build=secret-value");
  EXPECT_STREQ(to_string(outs[2].kind), "proxmox-vm-template");
}

TEST(VmOutputs, FullFixtureValues) {
  auto specs = load_template(data_dir() + "/full.pkr.hcl");
  const auto& outs = specs.at(0).outputs;
  ASSERT_EQ(outs.size(), 7u);
  const auto& d = std::get<DiskImageSettings>(outs[4].settings);
  EXPECT_EQ(d.format, ImageFormat::raw);
  EXPECT_EQ(d.name, "debian-bookworm-hardened-disk");
  EXPECT_EQ(d.size_mib, 3072u);
  EXPECT_EQ(d.esp_size_mib, 128u);
  EXPECT_EQ(d.kernel_options, (std::vector<std::string>{"quiet", "apparmor=1"}));
  ASSERT_EQ(d.partitions.size(), 2u);
  EXPECT_EQ(d.partitions[0].mountpoint, "/var");
  EXPECT_EQ(d.partitions[0].size_mib, 1024u);
  EXPECT_FALSE(d.partitions[0].options.has_value());
  EXPECT_EQ(d.partitions[1].size_mib, 256u);
  EXPECT_EQ(d.partitions[1].options->back(), "mode=1777");
  EXPECT_EQ(d.partitions[1].location.line, 138);
  const auto& v = std::get<QemuVerifySettings>(outs[5].settings);
  EXPECT_EQ(v.timeout_seconds, 5400);
  EXPECT_EQ(v.accelerator, Accelerator::tcg);
  EXPECT_FALSE(v.agent);
  EXPECT_EQ(v.inline_commands.at(1), "test -e /etc/debian-bookworm-hardened");
  const auto& p = std::get<ProxmoxVmTemplateSettings>(outs[6].settings);
  EXPECT_EQ(p.vmid, 9000);
  EXPECT_EQ(p.keep, 3);
  EXPECT_EQ(p.tags, (std::vector<std::string>{"debian", "hardened"}));
}

TEST(VmOutputs, SizesAndDurations) {
  std::string why;
  EXPECT_EQ(parse_size_mib("4G", why), 4096u);
  EXPECT_EQ(parse_size_mib("4GiB", why), 4096u);
  EXPECT_EQ(parse_size_mib("512M", why), 512u);
  EXPECT_EQ(parse_size_mib("512MiB", why), 512u);
  EXPECT_EQ(parse_size_mib("1T", why), 1048576u);
  EXPECT_FALSE(parse_size_mib("4096", why));
  EXPECT_EQ(why, "bare number");
  EXPECT_FALSE(parse_size_mib("4GB", why));
  EXPECT_EQ(why, "not a size");
  EXPECT_FALSE(parse_size_mib("99999999999999999999G", why));
  EXPECT_FALSE(parse_size_mib("G", why));
  EXPECT_EQ(parse_duration_seconds("10m", why), 600);
  EXPECT_EQ(parse_duration_seconds("90s", why), 90);
  EXPECT_EQ(parse_duration_seconds("1h30m", why), 5400);
  EXPECT_EQ(parse_duration_seconds("1h0m5s", why), 3605);
  EXPECT_FALSE(parse_duration_seconds("30m1h", why));
  EXPECT_FALSE(parse_duration_seconds("600", why));
  EXPECT_EQ(why, "bare number");
  EXPECT_FALSE(parse_duration_seconds("", why));
  EXPECT_FALSE(parse_duration_seconds("5d", why));
  EXPECT_EQ(format_size_mib(4096), "4G");
  EXPECT_EQ(format_size_mib(1536), "1536M");
  EXPECT_EQ(format_duration(5400), "1h30m");
  EXPECT_EQ(format_duration(90), "1m30s");
  EXPECT_EQ(format_duration(0), "0s");
}

TEST(VmOutputs, BareNumberSizeSaysWhichUnits) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    size = 4096
  }
)")),
            R"X(/t/test.pkr.hcl:7:12: attribute "size" needs a unit: write "4096M" or "4096G" (units M/MiB, G/GiB, T/TiB)
  7 |     size = 4096
    |            ^)X");
}

TEST(VmOutputs, UnknownSizeUnit) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    esp_size = "256MB"
  }
)")),
            R"X(/t/test.pkr.hcl:7:16: attribute "esp_size" must be a size such as "4G" or "512M" (units M/MiB, G/GiB, T/TiB), got "256MB"
  7 |     esp_size = "256MB"
    |                ^)X");
}

TEST(VmOutputs, BareNumberTimeout) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {}
  post-processor "qemu-verify" {
    timeout = "600"
  }
)")),
            R"X(/t/test.pkr.hcl:8:15: attribute "timeout" needs a unit: write "600s" or "600m" (units h, m, s as in "1h30m")
  8 |     timeout = "600"
    |               ^)X");
}

TEST(VmOutputs, BadDuration) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {}
  post-processor "qemu-verify" {
    timeout = "10 minutes"
  }
)")),
            R"X(/t/test.pkr.hcl:8:15: attribute "timeout" must be a duration such as "10m", "90s" or "1h30m", got "10 minutes"
  8 |     timeout = "10 minutes"
    |               ^)X");
}

TEST(VmOutputs, AcceleratorIsOneOf) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {}
  post-processor "qemu-verify" {
    accelerator = "kvn"
  }
)")),
            R"X(/t/test.pkr.hcl:8:19: attribute "accelerator" must be one of auto, kvm, tcg, got "kvn". Did you mean "kvm"?
  8 |     accelerator = "kvn"
    |                   ^)X");
}

TEST(VmOutputs, QemuVerifyNeedsADiskImage) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "sbom" {}
  post-processor "qemu-verify" {
    timeout = "90s"
  }
)")),
            R"X(/t/test.pkr.hcl:7:3: post-processor "qemu-verify" needs a "disk-image" post-processor in the same build (it boots that image)
  7 |   post-processor "qemu-verify" {
    |   ^)X");
}

TEST(VmOutputs, VmTemplateNeedsADiskImage) {
  EXPECT_EQ(error_of(vm_build(kPublish)),
            R"X(/t/test.pkr.hcl:6:3: post-processor "proxmox-vm-template" needs a "disk-image" post-processor in the same build (it publishes that image)
  6 |   post-processor "proxmox-vm-template" {
    |   ^)X");
}

TEST(VmOutputs, DiskImageFilteredAwayForOneSourceIsAnError) {
  std::string text = R"(source "rootfs" "a" {
  path = "/srv/a"
}
source "rootfs" "b" {
  path = "/srv/b"
}
build {
  sources = ["source.rootfs.a", "source.rootfs.b"]
  post-processor "disk-image" {
    only = ["a"]
  }
  post-processor "qemu-verify" {}
}
)";
  EXPECT_EQ(error_of(text),
            R"X(/t/test.pkr.hcl:12:3: post-processor "qemu-verify" needs a "disk-image" post-processor in the same build (it boots that image)
  12 |   post-processor "qemu-verify" {}
     |   ^)X");
}

TEST(VmOutputs, AtMostOneDiskImage) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {}
  post-processor "disk-image" {
    format = "raw"
  }
)")),
            R"X(/t/test.pkr.hcl:7:3: a build takes one "disk-image" post-processor; the first is at /t/test.pkr.hcl:6:3
  7 |   post-processor "disk-image" {
    |   ^)X");
}

TEST(VmOutputs, DuplicateMountpoint) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    partition {
      mountpoint = "/var"
      size       = "1G"
    }
    partition {
      mountpoint = "/var"
      size       = "2G"
    }
  }
)")),
            R"X(/t/test.pkr.hcl:12:20: mountpoint "/var" has two partition blocks
  12 |       mountpoint = "/var"
     |                    ^)X");
}

TEST(VmOutputs, RootMountpointIsNotAPartition) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    partition {
      mountpoint = "/boot/efi"
      size       = "1G"
    }
  }
)")),
            R"X(/t/test.pkr.hcl:8:20: attribute "mountpoint": "/boot/efi" is made by the disk-image itself (root and ESP); use size and esp_size
  8 |       mountpoint = "/boot/efi"
    |                    ^)X");
}

TEST(VmOutputs, RelativeMountpoint) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    partition {
      mountpoint = "var/"
      size       = "1G"
    }
  }
)")),
            R"X(/t/test.pkr.hcl:8:20: attribute "mountpoint" must be a normalized absolute path such as "/var", got "var/"
  8 |       mountpoint = "var/"
    |                    ^)X");
}

TEST(VmOutputs, PartitionNeedsSize) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    partition {
      mountpoint = "/var"
    }
  }
)")),
            R"X(/t/test.pkr.hcl:7:5: partition: missing required attribute "size" (partition size with a unit: "1G", "512M" (M/MiB, G/GiB))
  7 |     partition {
    |     ^)X");
}

TEST(VmOutputs, PartitionsMustLeaveRoomForRoot) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    size = "2G"
    partition {
      mountpoint = "/var"
      size       = "2G"
    }
  }
)")),
            R"X(/t/test.pkr.hcl:7:12: the disk of 2G leaves no room for the root filesystem (ESP 256M + partitions 2G); raise "size"
  7 |     size = "2G"
    |            ^)X");
}

TEST(VmOutputs, EmptyOptionsList) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    partition {
      mountpoint = "/tmp"
      size       = "1G"
      options    = []
    }
  }
)")),
            R"X(/t/test.pkr.hcl:10:20: attribute "options" must not be empty (leave it out for the defaults)
  10 |       options    = []
     |                    ^)X");
}

TEST(VmOutputs, OptionWithComma) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    partition {
      mountpoint = "/tmp"
      size       = "1G"
      options    = ["nodev,nosuid"]
    }
  }
)")),
            R"X(/t/test.pkr.hcl:10:21: attribute "options": "nodev,nosuid" must be one non-empty word (give each option as its own list element)
  10 |       options    = ["nodev,nosuid"]
     |                     ^)X");
}

TEST(VmOutputs, FormatIsOneOf) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    format = "vmdk"
  }
)")),
            R"X(/t/test.pkr.hcl:7:14: attribute "format" must be one of qcow2, raw, got "vmdk".
  7 |     format = "vmdk"
    |              ^)X");
}

TEST(VmOutputs, VmTemplateTokenNeverEchoed) {
  std::string text = vm_build(R"(  post-processor "disk-image" {}
  post-processor "proxmox-vm-template" {
    endpoint = "https://pve:8006"
    token    = "not-a-token-secret"
    node     = "pve1"
  }
)");
  std::string e = error_of(text);
  EXPECT_NE(e.find("/t/test.pkr.hcl:9:16: attribute \"token\" must look like user@realm!tokenid=secret"), std::string::npos) << e;
}

TEST(VmOutputs, VmTemplateTagsAndEndpoint) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {}
  post-processor "proxmox-vm-template" {
    endpoint = "https://pve:8006"
    token    = "ci@pve!build=secret-value"
    node     = "pve1"
    tags     = ["ok", "not ok"]
  }
)")),
            R"X(/t/test.pkr.hcl:11:23: attribute "tags": "not ok" is not a Proxmox tag (letters, digits, "_", "-", "+", ".")
  11 |     tags     = ["ok", "not ok"]
     |                       ^)X");
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {}
  post-processor "proxmox-vm-template" {
    endpoint = "http://pve:8006"
    token    = "ci@pve!build=secret-value"
    node     = "pve1"
  }
)")),
            R"X(/t/test.pkr.hcl:8:16: attribute "endpoint" must be an https:// URL, got "http://pve:8006"
  8 |     endpoint = "http://pve:8006"
    |                ^)X");
}

TEST(VmOutputs, UnknownAttributeSuggests) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {
    esp_sise = "1G"
  }
)")),
            R"X(/t/test.pkr.hcl:7:5: unknown attribute "esp_sise" in post-processor "disk-image". Did you mean "esp_size"?
  7 |     esp_sise = "1G"
    |     ^)X");
}

TEST(VmOutputs, JsonSyntaxErrorsPointIntoTheJson) {
  std::string text = R"({
  "source": { "rootfs": { "r": { "path": "/srv/rootfs" } } },
  "build": {
    "sources": ["source.rootfs.r"],
    "post-processor": [
      { "disk-image": { "partition": [ { "mountpoint": "/var", "size": "1" } ] } }
    ]
  }
}
)";
  EXPECT_EQ(error_of(text, true),
            R"X(/t/test.pkr.json:6:72: attribute "size" needs a unit: write "1M" or "1G" (units M/MiB, G/GiB, T/TiB)
  6 |       { "disk-image": { "partition": [ { "mountpoint": "/var", "size": "1" } ] } }
    |                                                                        ^)X");
}

TEST(VmOutputs, ImportFromIsAVolumeId) {
  EXPECT_EQ(error_of(vm_build(R"(  post-processor "disk-image" {}
  post-processor "proxmox-vm-template" {
    endpoint    = "https://pve:8006"
    token       = "ci@pve!build=secret-value"
    node        = "pve1"
    import_from = "/var/lib/vz/import/x.qcow2"
  }
)")),
            R"X(/t/test.pkr.hcl:11:19: attribute "import_from" must be a volume id such as "local:import/debian.qcow2" (PVE accepts paths only from root@pam, not from API tokens), got "/var/lib/vz/import/x.qcow2"
  11 |     import_from = "/var/lib/vz/import/x.qcow2"
     |                   ^)X");
  auto ok = load_template_text(vm_build(R"(  post-processor "disk-image" {}
  post-processor "proxmox-vm-template" {
    endpoint    = "https://pve:8006"
    token       = ""
    node        = "pve1"
    import_from = "local:import/x.qcow2"
  }
)"), "/t/vm.pkr.hcl", false);
  EXPECT_EQ(std::get<ProxmoxVmTemplateSettings>(ok.at(0).outputs.at(1).settings).import_from, "local:import/x.qcow2");
}
