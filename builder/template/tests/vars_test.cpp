// Variable precedence (default < var-files in order < -var in order) and var-file formats.
#include <gtest/gtest.h>

#include "builder/template/tests/test_util.h"

using namespace sarga::tmpl;
using namespace sarga::tmpl::testing;

namespace {
std::string file(const std::string& name) { return data_dir() + "/" + name; }
}  // namespace

TEST(Vars, DefaultsApplyWhenNothingIsGiven) {
  auto specs = load_template(file("vars.pkr.hcl"));
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].source.mmdebstrap.suite, "bookworm");
  EXPECT_EQ(specs[0].source.mmdebstrap.architecture, "amd64");
  EXPECT_EQ(specs[0].source.mmdebstrap.source_date_epoch, 0);
}

TEST(Vars, VarFileOverridesDefault) {
  auto specs = load_template(file("vars.pkr.hcl"), {}, {file("first.pkrvars.hcl")});
  EXPECT_EQ(specs[0].source.mmdebstrap.suite, "trixie");
  EXPECT_EQ(specs[0].source.mmdebstrap.architecture, "arm64");
  EXPECT_EQ(specs[0].source.mmdebstrap.include, (std::vector<std::string>{"vim", "less"}));
  EXPECT_EQ(specs[0].source.mmdebstrap.mirror, "http://deb.debian.org/debian");
}

TEST(Vars, LaterVarFileWinsAndJsonVarFilesWork) {
  auto specs = load_template(file("vars.pkr.hcl"), {}, {file("first.pkrvars.hcl"), file("second.pkrvars.json")});
  EXPECT_EQ(specs[0].source.mmdebstrap.suite, "trixie");
  EXPECT_EQ(specs[0].source.mmdebstrap.architecture, "riscv64");
  EXPECT_EQ(specs[0].source.mmdebstrap.source_date_epoch, 1700000000);
}

TEST(Vars, VarFlagWinsOverVarFilesAndLastFlagWins) {
  auto specs = load_template(file("vars.pkr.hcl"), {{"arch", "i386"}, {"arch", "s390x"}, {"epoch", "42"}},
                             {file("first.pkrvars.hcl"), file("second.pkrvars.json")});
  EXPECT_EQ(specs[0].source.mmdebstrap.architecture, "s390x");
  EXPECT_EQ(specs[0].source.mmdebstrap.source_date_epoch, 42);
  EXPECT_EQ(specs[0].source.mmdebstrap.suite, "trixie");
}

TEST(Vars, VarFlagParsesListValues) {
  auto specs = load_template(file("vars.pkr.hcl"), {{"include", "[\"a\", \"b\"]"}});
  EXPECT_EQ(specs[0].source.mmdebstrap.include, (std::vector<std::string>{"a", "b"}));
}

TEST(Vars, StringVarFlagIsTakenLiterally) {
  auto specs = load_template(file("vars.pkr.hcl"), {{"mirror", "http://m/${x}"}});
  EXPECT_EQ(specs[0].source.mmdebstrap.mirror, "http://m/${x}");
}

TEST(Vars, UndeclaredNameInVarFileIsAnError) {
  try {
    load_template(file("vars.pkr.hcl"), {}, {file("bad.pkrvars.hcl")});
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 1);
    EXPECT_EQ(e.message(), "variable \"sute\" is not declared in " + file("vars.pkr.hcl") + ". Did you mean \"suite\"?");
  }
}

TEST(Vars, MissingVarFileIsAnError) {
  try {
    load_template(file("vars.pkr.hcl"), {}, {file("absent.pkrvars.hcl")});
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.message(), "cannot read var-file: No such file or directory");
  }
}

TEST(Vars, ResolvedValuesAreInTheSpec) {
  auto specs = load_template(file("vars.pkr.hcl"), {{"suite", "sid"}});
  const auto& v = specs[0].variables.at("suite");
  EXPECT_EQ(v.type, "string");
  EXPECT_EQ(v.value, "sid");
  EXPECT_FALSE(v.sensitive);
  EXPECT_EQ(specs[0].variables.at("include").type, "list(string)");
}

TEST(Vars, WrongTypeForSensitiveVariableHidesTheValue) {
  std::string text = with_build("variable \"pin\" {\n  type = number\n  sensitive = true\n  default = 0\n}\n");
  EXPECT_EQ(error_of(text, false, {{"pin", "hunter2"}}),
            "-var pin:1:1: variable \"pin\" from -var: expected number (value not shown: the variable is sensitive)");
}
