variable "suite" {
  type    = string
  default = "bookworm"
}

variable "arch" {
  type    = string
  default = "amd64"
}

variable "mirror" {
  type    = string
  default = "http://deb.debian.org/debian"
}

variable "include" {
  type    = list(string)
  default = []
}

variable "epoch" {
  type    = number
  default = 0
}

source "mmdebstrap" "d" {
  suite             = var.suite
  architecture      = var.arch
  mirror            = var.mirror
  include           = var.include
  source_date_epoch = var.epoch
}

build {
  sources = ["source.mmdebstrap.d"]
}
