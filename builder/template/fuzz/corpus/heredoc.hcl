locals {
  a = <<-EOT
    x ${1 + 2}
    EOT
  b = format("%s-%d", "a", 1)
  c = [for]
}
