# A Debian 12 LXC template for CI runners: build tools, git, a non-root "runner" user
# with its work directory, hardened like the base template.
#
#   sarga-build build examples/images/ci-runner-lxc.pkr.hcl
#   sarga-build build -var runner_packages='["git","make"]' examples/images/ci-runner-lxc.pkr.hcl

variable "version" {
  type    = string
  default = "1.0"
}

variable "runner_packages" {
  type    = list(string)
  default = ["git", "make", "gcc", "g++", "curl", "jq", "python3", "xz-utils", "zstd", "unzip"]
}

variable "source_date_epoch" {
  type    = number
  default = 1700000000
}

source "mmdebstrap" "bookworm" {
  suite             = "bookworm"
  variant           = "minbase"
  include           = ["openssh-server", "ifupdown", "systemd-sysv", "ca-certificates", "unattended-upgrades"]
  source_date_epoch = var.source_date_epoch
}

build {
  name    = "debian-12-ci-runner"
  sources = ["source.mmdebstrap.bookworm"]

  provisioner "packages" {
    install = var.runner_packages
  }

  provisioner "shell" {
    inline = [
      "useradd --create-home --shell /bin/bash --uid 1001 runner",
      "install -d -o runner -g runner -m 0750 /srv/runner/work",
    ]
  }

  provisioner "files" {
    content     = "# CI jobs run as the unprivileged runner user in /srv/runner/work.\n"
    destination = "/etc/motd"
  }

  provisioner "hardening" {
    profile = "lxc-baseline"
  }

  provisioner "cleanup" {}

  post-processor "lxc-template" {
    version = var.version
  }

  post-processor "sbom" {}

  post-processor "manifest" {
    strip_path  = true
    custom_data = { purpose = "ci-runner" }
  }
}
