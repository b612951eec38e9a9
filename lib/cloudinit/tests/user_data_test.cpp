#include "lib/cloudinit/user_data.h"

#include <gtest/gtest.h>

#include "lib/cloudinit/encoding.h"

namespace sarga::cloudinit {
namespace {

const Path kUserData = Path().attribute("user_data");

Problems check(const std::string& text) {
  Problems out;
  validate_user_data(text, kUserData, out);
  return out;
}

TEST(UserData, CloudConfigAndScriptsPass) {
  EXPECT_TRUE(check("#cloud-config\npackages: [nginx]\n").empty());
  EXPECT_TRUE(check("#cloud-config\n").empty());
  EXPECT_TRUE(check("#!/bin/sh\necho hi: [\n").empty());
  EXPECT_TRUE(check("#include\nhttps://example.invalid/x\n").empty());
  EXPECT_TRUE(check("## template: jinja\n#cloud-config\nx: {{ a }}\n").empty());
}

TEST(UserData, BadYamlNamesTheLine) {
  Problems p = check("#cloud-config\npackages:\n  - nginx\n bad: [\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].path.to_string(), "user_data");
  EXPECT_EQ(p[0].summary, "Invalid cloud-config YAML");
  EXPECT_EQ(p[0].detail.rfind("line 4, column ", 0), 0u) << p[0].detail;
}

TEST(UserData, CloudConfigMustBeAMapping) {
  Problems p = check("#cloud-config\n- a\n- b\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].detail.find("line 2 starts a list"), std::string::npos) << p[0].detail;
}

TEST(UserData, UnknownHeaderIsAnError) {
  Problems p = check("packages: [nginx]\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].summary, "Unrecognised user data");
  EXPECT_NE(p[0].detail.find("got \"packages: [nginx]\""), std::string::npos);
}

TEST(Parts, ValidatesTypeContentFilenameAndMergeType) {
  Problems out;
  Path p0 = Path().attribute("part").index(0);
  validate_part({"text/plain", "", "", "x"}, p0, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].path.to_string(), "part[0].content_type");
  EXPECT_NE(out[0].detail.find("\"text/plain\" is not a cloud-init content type"), std::string::npos);

  out.clear();
  validate_part({"text/x-shellscript", "a\"b", "dict(", "echo hi\n"}, p0, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].path.to_string(), "part[0].content");
  EXPECT_EQ(out[1].path.to_string(), "part[0].filename");
  EXPECT_EQ(out[2].path.to_string(), "part[0].merge_type");

  out.clear();
  validate_part({"text/cloud-config", "", "list(append)+dict(recurse_array)+str()",
                 "a: [\n"}, p0, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].path.to_string(), "part[0].content");
  EXPECT_EQ(out[0].detail.rfind("line ", 0), 0u);

  out.clear();
  validate_part({"text/cloud-config", "", "", "x: 1\n--MIMEBOUNDARY\n"}, p0, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].summary, "Part content contains the MIME boundary");
}

TEST(Parts, MultipartRoundTrips) {
  std::vector<Part> parts = {
      {"text/cloud-config", "base.yaml", "list(append)+dict(recurse_array)+str()",
       "#cloud-config\npackages: [nginx]\n"},
      {"text/x-shellscript", "", "", "#!/bin/sh\necho h\xc3\xa9llo\n"}};
  std::string doc = render_multipart(parts);
  EXPECT_EQ(doc.rfind("Content-Type: multipart/mixed; boundary=\"MIMEBOUNDARY\"\r\n", 0), 0u);
  EXPECT_NE(doc.find("Content-Disposition: attachment; filename=\"base.yaml\"\r\n"), std::string::npos);
  EXPECT_NE(doc.find("X-Merge-Type: list(append)+dict(recurse_array)+str()\r\n"), std::string::npos);
  EXPECT_NE(doc.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);  // non-ASCII part
  EXPECT_EQ(doc.substr(doc.size() - 18), "--MIMEBOUNDARY--\r\n");
  auto back = parse_multipart(doc);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->size(), 2u);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ((*back)[i].content_type, parts[i].content_type);
    EXPECT_EQ((*back)[i].filename, parts[i].filename);
    EXPECT_EQ((*back)[i].merge_type, parts[i].merge_type);
    EXPECT_EQ((*back)[i].content, parts[i].content);
  }
  EXPECT_FALSE(parse_multipart("#cloud-config\n").has_value());
}

TEST(Encoding, GzipIsDeterministicAndRoundTrips) {
  std::string text(5000, 'a');
  text += "tail";
  std::string z = gzip_bytes(text);
  EXPECT_TRUE(looks_gzipped(z));
  EXPECT_EQ(z, gzip_bytes(text));
  EXPECT_EQ(z[4] | z[5] | z[6] | z[7], 0);  // mtime field is zero
  EXPECT_EQ(gunzip_bytes(z), text);
  EXPECT_THROW(gunzip_bytes("\x1f\x8bnot gzip"), std::runtime_error);
}

TEST(Encoding, Base64) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64_decode("Zm9v\nYmE="), "fooba");
  EXPECT_THROW(base64_decode("Zm9"), std::runtime_error);
  EXPECT_THROW(base64_decode("Zm9!"), std::runtime_error);
}

}  // namespace
}  // namespace sarga::cloudinit
