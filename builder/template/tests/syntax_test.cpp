// Every construct of the HCL subset evaluates to the value it should.
#include <gtest/gtest.h>

#include <cstdlib>

#include "builder/template/tests/test_util.h"

using namespace sarga::tmpl;
using namespace sarga::tmpl::testing;
using json = nlohmann::json;

TEST(Syntax, Literals) {
  EXPECT_EQ(eval_local("42"), json(42));
  EXPECT_EQ(eval_local("-7"), json(-7));
  EXPECT_EQ(eval_local("1.5"), json(1.5));
  EXPECT_EQ(eval_local("2e3"), json(2000.0));
  EXPECT_EQ(eval_local("true"), json(true));
  EXPECT_EQ(eval_local("false"), json(false));
  EXPECT_TRUE(eval_local("null").is_null());
}

TEST(Syntax, StringEscapes) {
  EXPECT_EQ(eval_local(R"("a\nb\tc\"d\\e\r")"), json("a\nb\tc\"d\\e\r"));
  EXPECT_EQ(eval_local(R"("\u00e9\U0001F600")"), json("\xC3\xA9\xF0\x9F\x98\x80"));
  EXPECT_EQ(eval_local(R"("$${literal} %%{x}")"), json("${literal} %{x}"));
}

TEST(Syntax, Interpolation) {
  std::string decls = "variable \"v\" {\n  default = \"world\"\n}\nlocals {\n  n = 3\n}\n";
  EXPECT_EQ(eval_local(R"("hello ${var.v}, ${local.n} times ${true}")", decls), json("hello world, 3 times true"));
  // A lone interpolation keeps the value's type.
  EXPECT_EQ(eval_local(R"("${local.n}")", decls), json(3));
  EXPECT_EQ(eval_local(R"("${ var.v }")", decls), json("world"));
}

TEST(Syntax, ListsObjectsAndIndexing) {
  EXPECT_EQ(eval_local("[1, \"a\", [true],]"), json::parse(R"([1, "a", [true]])"));
  EXPECT_EQ(eval_local("{ a = 1, \"b\" = \"x\"\n c: [] }"), json::parse(R"({"a": 1, "b": "x", "c": []})"));
  std::string decls = "locals {\n  m = { k = [\"p\", \"q\"] }\n}\n";
  EXPECT_EQ(eval_local("local.m.k[1]", decls), json("q"));
  EXPECT_EQ(eval_local("local.m[\"k\"][0]", decls), json("p"));
}

TEST(Syntax, Comments) {
  std::string text = "# hash\n// slashes\n/* block\n comment */\n" +
                     with_build("locals {\n  a = 1 # trailing\n  b = 2 // trailing\n  c = /* inline */ 3\n}\n");
  auto specs = load_template_text(text, "/t/c.pkr.hcl", false);
  EXPECT_EQ(specs[0].locals.at("a"), json(1));
  EXPECT_EQ(specs[0].locals.at("b"), json(2));
  EXPECT_EQ(specs[0].locals.at("c"), json(3));
}

TEST(Syntax, Heredocs) {
  EXPECT_EQ(eval_local("<<EOF\n  line one\nline ${1 + 1}\nEOF\n"), json("  line one\nline 2\n"));
  EXPECT_EQ(eval_local("<<-EOT\n    indented\n      more\n    EOT\n"), json("indented\n  more\n"));
  EXPECT_EQ(eval_local("<<EOF\nEOF\n"), json(""));
}

TEST(Syntax, Functions) {
  setenv("SARGA_SYNTAX_TEST", "from-env", 1);
  EXPECT_EQ(eval_local("join(\"-\", [\"a\", \"b\", 3])"), json("a-b-3"));
  EXPECT_EQ(eval_local("format(\"%s=%d %q %v %%\", \"k\", 5, \"x\", [1])"), json("k=5 \"x\" [1] %"));
  EXPECT_EQ(eval_local("file(\"" + data_dir() + "/files/issue.net\")"), json("Authorized use only\n"));
  EXPECT_EQ(eval_local("length([1, 2, 3])"), json(3));
  EXPECT_EQ(eval_local("contains([\"a\"], \"a\")"), json(true));
  EXPECT_EQ(eval_local("upper(\"ab\")"), json("AB"));
  auto specs = load_template_text(with_build("variable \"e\" {\n  default = env(\"SARGA_SYNTAX_TEST\")\n}\n"),
                                  "/t/e.pkr.hcl", false);
  EXPECT_EQ(specs[0].variables.at("e").value, json("from-env"));
}

TEST(Syntax, OperatorsAndConditionals) {
  EXPECT_EQ(eval_local("1 + 2 * 3"), json(7));
  EXPECT_EQ(eval_local("(1 + 2) * 3"), json(9));
  EXPECT_EQ(eval_local("3 > 2 && !false"), json(true));
  EXPECT_EQ(eval_local("\"a\" == \"b\" ? 1 : 2"), json(2));
}

TEST(Syntax, SingleLineBlocksAndLabels) {
  auto specs = load_template_text(
      "source rootfs r { path = \"/srv/x\" }\nbuild {\n  sources = [\"rootfs.r\"]\n  post-processor \"sbom\" {}\n}\n",
      "/t/l.pkr.hcl", false);
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].source.rootfs.path, "/srv/x");
  ASSERT_EQ(specs[0].outputs.size(), 1u);
  EXPECT_EQ(specs[0].outputs[0].kind, OutputKind::sbom);
}

TEST(Syntax, PathRootAndRelativePaths) {
  auto specs = load_template_text("source \"rootfs\" \"r\" {\n  path = \"${path.root}/tree\"\n}\n"
                                  "source \"rootfs\" \"s\" {\n  path = \"rel/tree\"\n}\n"
                                  "build {\n  sources = [\"source.rootfs.r\", \"source.rootfs.s\"]\n}\n",
                                  "/t/dir/p.pkr.hcl", false);
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].source.rootfs.path, "/t/dir/tree");
  EXPECT_EQ(specs[1].source.rootfs.path, "/t/dir/rel/tree");
}
