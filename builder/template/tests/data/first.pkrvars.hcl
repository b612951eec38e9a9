# a var-file: only name = value lines
suite   = "trixie"
arch    = "arm64"
include = ["vim", "less"]
