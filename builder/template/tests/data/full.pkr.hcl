# Every construct the template language has; full.pkr.json says the same in JSON.
variable "suite" {
  type        = string
  default     = "bookworm"
  description = "Debian suite"
}

variable "packages" {
  type    = list(string)
  default = ["curl", "ca-certificates"]
}

variable "keep" {
  type    = number
  default = 3
  validation {
    condition     = var.keep >= 0 && var.keep < 100
    error_message = "keep must be between 0 and 99"
  }
}

variable "pve_token" {
  type      = string
  sensitive = true
  default   = "root@pam!ci=00000000-1111-2222-3333-444444444444"
}

variable "home" {
  type    = string
  default = env("SARGA_TEST_HOME")
}

/* locals may use variables, other locals and functions */
locals {
  version = "1.2"
  name    = format("debian-%s-hardened", var.suite)
  label   = "${local.name}_${local.version}" // interpolation of locals
  motd    = <<-EOT
    Welcome to ${local.name}
      built by sarga
    EOT
}

source "mmdebstrap" "deb12" {
  suite             = var.suite
  variant           = "minbase"
  components        = ["main", "contrib"]
  include           = var.packages
  mirror            = "http://deb.debian.org/debian"
  architecture      = "amd64"
  source_date_epoch = 1700000000
}

source "rootfs" "fixture" {
  path          = "files"
  allow_devices = false
}

build {
  name    = "debian12"
  sources = ["source.mmdebstrap.deb12"]

  provisioner "packages" {
    install = join(",", var.packages) == "curl,ca-certificates" ? ["curl"] : []
    remove  = ["nano"]
    upgrade = true
  }

  provisioner "files" {
    source      = "files/issue.net"
    destination = "/etc/issue.net"
    mode        = "0644"
    file {
      content     = local.motd
      destination = "/etc/motd"
      owner       = "0"
      group       = "0"
      mode        = "0600"
    }
    file {
      source      = "files/hello.tmpl"
      destination = "/etc/hello"
      render      = true
    }
  }

  provisioner "shell" {
    name             = "setup"
    inline           = ["echo \"${local.label}\"", "echo $${HOME} 100%%{x}"]
    script           = "scripts/setup.sh"
    env              = { LANG = "C.UTF-8" }
    environment_vars = ["DEBIAN_FRONTEND=noninteractive"]
  }

  provisioner "hardening" {
    profile = "lxc-baseline"
    skip    = ["sshd-banner"]
  }

  provisioner "cloud_init" {
    datasources = ["NoCloud"]
  }

  provisioner "cleanup" {
    remove = ["/root/.cache"]
  }

  post-processor "lxc-template" {
    format  = "xz"
    version = local.version
  }

  post-processor "manifest" {
    custom_data = { suite = var.suite }
  }

  post-processor "sbom" {}

  post-processor "proxmox" {
    endpoint = "https://127.0.0.1:8006"
    token    = var.pve_token
    node     = "pve1"
    storage  = "local"
    keep     = var.keep
  }

  post-processor "disk-image" {
    format         = "raw"
    name           = "${local.name}-disk"
    size           = "3GiB"
    esp_size       = "128M"
    serial_console = "ttyS1,9600"
    kernel_options = ["quiet", "apparmor=1"]
    partition {
      mountpoint = "/var"
      size       = "1G"
    }
    partition {
      mountpoint = "/tmp"
      size       = "256MiB"
      options    = ["nodev", "nosuid", "noexec", "mode=1777"]
    }
  }

  post-processor "qemu-verify" {
    timeout     = "1h30m"
    memory      = 2048
    cpus        = 1
    accelerator = "tcg"
    network     = false
    agent       = false
    inline      = ["findmnt -no OPTIONS /tmp | grep -qw noexec", "test -e /etc/${local.name}"]
  }

  post-processor "proxmox-vm-template" {
    endpoint       = "https://127.0.0.1:8006"
    token          = var.pve_token
    node           = "pve1"
    storage        = "local-zfs"
    import_storage = "nfs"
    vmid           = 9000
    name           = local.name
    tags           = ["debian", "hardened"]
    memory         = 2048
    cores          = 2
    bridge         = "vmbr1"
    keep           = var.keep
    fingerprint    = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"
  }
}
