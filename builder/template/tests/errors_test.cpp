// Every kind of template error, with its exact message, location and caret excerpt.
// The expected strings are the contract users see; change them only on purpose.
#include <gtest/gtest.h>

#include "builder/template/tests/test_util.h"

using namespace sarga::tmpl;
using namespace sarga::tmpl::testing;

TEST(Errors, Case1_syntax) {
  EXPECT_EQ(error_of(R"X(build {
  name = 
}
)X"),
            R"X(/t/test.pkr.hcl:2:10: expected a value for attribute "name"
  2 |   name = 
    |          ^)X");
}

TEST(Errors, Case2_unterminated) {
  EXPECT_EQ(error_of(R"X(locals {
  a = "abc
}
)X"),
            R"X(/t/test.pkr.hcl:2:7: unterminated string: this quote has no closing quote on the same line
  2 |   a = "abc
    |       ^)X");
}

TEST(Errors, Case3_unknown_block) {
  EXPECT_EQ(error_of(R"X(biuld {
}
)X"),
            R"X(/t/test.pkr.hcl:1:1: unknown block type "biuld" in the template. Did you mean "build"?
  1 | biuld {
    | ^)X");
}

TEST(Errors, Case4_unknown_attr) {
  EXPECT_EQ(error_of(R"X(source "mmdebstrap" "d" {
  sute = "bookworm"
}
)X"),
            R"X(/t/test.pkr.hcl:2:3: unknown attribute "sute" in source "mmdebstrap" "d". Did you mean "suite"?
  2 |   sute = "bookworm"
    |   ^)X");
}

TEST(Errors, Case5_unknown_prov) {
  EXPECT_EQ(error_of(R"X(build {
  sources = ["source.rootfs.r"]
  provisioner "shel" {
  }
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:3:15: unknown provisioner type "shel". Did you mean "shell"? Known types: files, shell, packages, hardening, cloud_init, cleanup
  3 |   provisioner "shel" {
    |               ^)X");
}

TEST(Errors, Case6_wrong_type) {
  EXPECT_EQ(error_of(R"X(build {
  sources = ["source.rootfs.r"]
  post-processor "proxmox" {
    endpoint = "https://h:8006"
    token = "a@pam!b=c"
    node = "n"
    keep = "many"
  }
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:7:12: wrong type for attribute "keep": expected number, got string
  7 |     keep = "many"
    |            ^)X");
}

TEST(Errors, Case7_undefined_var) {
  EXPECT_EQ(error_of(R"X(locals {
  a = var.sute
}
variable "suite" {
  default = "x"
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:2:11: undefined variable "sute": no variable block declares it. Did you mean "suite"?
  2 |   a = var.sute
    |           ^)X");
}

TEST(Errors, Case8_missing_var) {
  EXPECT_EQ(error_of(R"X(variable "token" {
  type = string
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:1:10: variable "token" is required but not set: give it with -var token=... or in a -var-file
  1 | variable "token" {
    |          ^)X");
}

TEST(Errors, Case9_bad_fn_args) {
  EXPECT_EQ(error_of(R"X(locals {
  a = join(",")
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:2:7: function join() takes 2 arguments (separator, list), got 1
  2 |   a = join(",")
    |       ^)X");
}

TEST(Errors, Case10_unknown_fn) {
  EXPECT_EQ(error_of(R"X(locals {
  a = jion(",", [])
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:2:7: unknown function "jion". Did you mean "join"? Available: env, file, join, format, length, contains, lower, upper, startswith, endswith, trimspace
  2 |   a = jion(",", [])
    |       ^)X");
}

TEST(Errors, Case11_env_outside) {
  EXPECT_EQ(error_of(R"X(locals {
  a = env("HOME")
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:2:7: function env() is only allowed in variable defaults
  2 |   a = env("HOME")
    |       ^)X");
}

TEST(Errors, Case12_missing_required) {
  EXPECT_EQ(error_of(R"X(source "mmdebstrap" "d" {
}
)X"),
            R"X(/t/test.pkr.hcl:1:1: source "mmdebstrap" "d": missing required attribute "suite" (bookworm, trixie, noble, ...)
  1 | source "mmdebstrap" "d" {
    | ^)X");
}

TEST(Errors, Case13_labels) {
  EXPECT_EQ(error_of(R"X(source "mmdebstrap" {
}
)X"),
            R"X(/t/test.pkr.hcl:1:1: block "source" takes 2 labels (type, name), found 1
  1 | source "mmdebstrap" {
    | ^)X");
}

TEST(Errors, Case14_unknown_source_ref) {
  EXPECT_EQ(error_of(R"X(build {
  sources = ["source.rootfs.q"]
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:2:14: unknown source "source.rootfs.q": no source block with that type and name. Did you mean "source.rootfs.r"?
  2 |   sources = ["source.rootfs.q"]
    |              ^)X");
}

TEST(Errors, Case15_no_build) {
  EXPECT_EQ(error_of(R"X(locals {
}
)X"),
            R"X(/t/test.pkr.hcl:3:1: the template has no build block
  3 | 
    | ^)X");
}

TEST(Errors, Case16_dup_attr) {
  EXPECT_EQ(error_of(R"X(locals {
  a = 1
  a = 2
}
)X"),
            R"X(/t/test.pkr.hcl:3:3: attribute "a" is set twice (first at line 2)
  3 |   a = 2
    |   ^)X");
}

TEST(Errors, Case17_unclosed) {
  EXPECT_EQ(error_of(R"X(build {
  name = "x"
)X"),
            R"X(/t/test.pkr.hcl:1:7: unclosed block: this "{" has no matching "}"
  1 | build {
    |       ^)X");
}

TEST(Errors, Case18_operator) {
  EXPECT_EQ(error_of(R"X(locals {
  a = 1 +
}
)X"),
            R"X(/t/test.pkr.hcl:3:1: expected a value, found "}"
  3 | }
    | ^)X");
}

TEST(Errors, Case19_type_wrong_default) {
  EXPECT_EQ(error_of(R"X(variable "n" {
  type = number
  default = "abc"
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:3:13: default of variable "n": expected number, got string "abc"
  3 |   default = "abc"
    |             ^)X");
}

TEST(Errors, Case20_validation) {
  EXPECT_EQ(error_of(R"X(variable "n" {
  type = number
  default = 200
  validation {
    condition = var.n < 100
    error_message = "n must be below 100"
  }
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:1:10: invalid value for variable "n": n must be below 100
  1 | variable "n" {
    |          ^)X");
}

TEST(Errors, Case21_attr_as_block) {
  EXPECT_EQ(error_of(R"X(build {
  sources = ["source.rootfs.r"]
  name {
  }
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:3:3: "name" is an attribute, not a block: write name = ...
  3 |   name {
    |   ^)X");
}

TEST(Errors, Case22_heredoc) {
  EXPECT_EQ(error_of(R"X(locals {
  a = <<EOF
abc
}
)X"),
            R"X(/t/test.pkr.hcl:2:7: unterminated heredoc: no line with just "EOF"
  2 |   a = <<EOF
    |       ^)X");
}

TEST(Errors, Case23_bad_escape) {
  EXPECT_EQ(error_of(R"X(locals {
  a = "\q"
}
)X"),
            R"X(/t/test.pkr.hcl:2:8: invalid escape sequence "\q" (allowed: \n \r \t \" \\ \uNNNN \UNNNNNNNN)
  2 |   a = "\q"
    |        ^)X");
}

TEST(Errors, Case24_format) {
  EXPECT_EQ(error_of(R"X(locals {
  a = format("%s %s", "x")
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:2:7: function format(): the format has 2 verbs but 1 argument follows
  2 |   a = format("%s %s", "x")
    |       ^)X");
}

TEST(Errors, Case25_cycle) {
  EXPECT_EQ(error_of(R"X(locals {
  a = local.b
  b = local.a
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:2:7: local "a" depends on itself: a -> b -> a
  2 |   a = local.b
    |       ^)X");
}

TEST(Errors, Case26_mode) {
  EXPECT_EQ(error_of(R"X(build {
  sources = ["source.rootfs.r"]
  provisioner "files" {
    content = "x"
    destination = "/etc/x"
    mode = "0999"
  }
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:6:12: attribute "mode" must be an octal string such as "0644", got "0999"
  6 |     mode = "0999"
    |            ^)X");
}

TEST(Errors, Case27_profile) {
  EXPECT_EQ(error_of(R"X(build {
  sources = ["source.rootfs.r"]
  provisioner "hardening" {
    profile = "lxc-basline"
  }
}

source "rootfs" "r" {
  path = "/srv/rootfs"
}
build {
  sources = ["source.rootfs.r"]
}
)X"),
            R"X(/t/test.pkr.hcl:4:15: attribute "profile" must be one of lxc-baseline, vm-baseline, got "lxc-basline". Did you mean "lxc-baseline"?
  4 |     profile = "lxc-basline"
    |               ^)X");
}

TEST(Errors, Case28_type) {
  EXPECT_EQ(error_of(R"X(variable "x" {
  type = strin
}
)X"),
            R"X(/t/test.pkr.hcl:2:10: unknown type "strin". Did you mean "string"? Types: string, number, bool, any, list(T), set(T), map(T)
  2 |   type = strin
    |          ^)X");
}

TEST(Errors, Case29_json_syntax) {
  EXPECT_EQ(error_of(R"X({
  "build": {
    "name": "x",
  }
}
)X", true),
            R"X(/t/test.pkr.json:4:3: invalid JSON: syntax error while parsing object key - unexpected '}'; expected string literal
  4 |   }
    |   ^)X");
}

TEST(Errors, Case30_json_unknown) {
  EXPECT_EQ(error_of(R"X({
  "biuld": {}
}
)X", true),
            R"X(/t/test.pkr.json:2:3: unknown key "biuld" in the template. Did you mean "build"?
  2 |   "biuld": {}
    |   ^)X");
}

TEST(Errors, Case31_json_attr) {
  EXPECT_EQ(error_of(R"X({
  "source": {"mmdebstrap": {"d": {"sute": "x"}}}
}
)X", true),
            R"X(/t/test.pkr.json:2:35: unknown key "sute" in source "mmdebstrap" "d". Did you mean "suite"?
  2 |   "source": {"mmdebstrap": {"d": {"sute": "x"}}}
    |                                   ^)X");
}

TEST(Errors, Case32_json_undefined_var) {
  EXPECT_EQ(error_of(R"X({
  "locals": {"a": "x-${var.nope}"},
  "build": {"sources": []}
}
)X", true),
            R"X(/t/test.pkr.json:2:28: undefined variable "nope": no variable block declares it.
  2 |   "locals": {"a": "x-${var.nope}"},
    |                            ^)X");
}

TEST(Errors, VarFlagUndeclared) {
  EXPECT_EQ(error_of(with_build("variable \"suite\" {\n  default = \"x\"\n}\n"), false, {{"suit", "y"}}),
            "-var:1:1: variable \"suit\" is not declared in /t/test.pkr.hcl. Did you mean \"suite\"?");
}

TEST(Errors, VarFlagWrongType) {
  EXPECT_EQ(error_of(with_build("variable \"n\" {\n  type = number\n  default = 1\n}\n"), false, {{"n", "abc"}}),
            "-var n:1:1: variable \"n\" from -var: expected number, got string \"abc\"\n"
            "  1 | abc\n"
            "    | ^");
}

TEST(Errors, TemplateErrorFields) {
  try {
    load_template_text("biuld {\n}\n", "/t/x.pkr.hcl", false);
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.file(), "/t/x.pkr.hcl");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), 1);
    EXPECT_EQ(e.message(), "unknown block type \"biuld\" in the template. Did you mean \"build\"?");
  }
}

TEST(Errors, CaretUnderTabIndentedText) {
  EXPECT_EQ(error_of("locals {\n\ta = nope\n}\n"),
            "/t/test.pkr.hcl:2:6: unknown name \"nope\": references start with var., local. or path.\n"
            "  2 | \ta = nope\n"
            "    | \t    ^");
}

TEST(Errors, MissingTemplateFile) {
  try {
    load_template("/nonexistent/sarga/t.pkr.hcl");
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/sarga/t.pkr.hcl:0:0: cannot read template: No such file or directory");
  }
}
