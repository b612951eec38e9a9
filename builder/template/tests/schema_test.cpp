// schemas/builder-template.schema.json is generated from the parser's schema table, and the
// JSON templates the parser accepts validate against it (with a small validator that
// knows the keywords the generator uses).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "builder/template/schema.h"
#include "builder/template/tests/test_util.h"

using namespace sarga::tmpl;
using namespace sarga::tmpl::testing;
using json = nlohmann::json;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has_type(const json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "number") return v.is_number();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  return false;
}

// Returns "" when `v` is valid, else the JSON pointer of the first problem.
std::string check(const json& root, const json& schema, const json& v, const std::string& at) {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];
    return check(root, root["$defs"][ref.substr(std::string("#/$defs/").size())], v, at);
  }
  if (schema.contains("type")) {
    bool ok = false;
    if (schema["type"].is_string()) ok = has_type(v, schema["type"]);
    else
      for (const auto& t : schema["type"]) ok = ok || has_type(v, t);
    if (!ok) return at + " (type)";
  }
  if (schema.contains("oneOf")) {
    int matches = 0;
    for (const auto& alt : schema["oneOf"]) matches += check(root, alt, v, at).empty();
    if (matches != 1) return at + " (oneOf: " + std::to_string(matches) + " matches)";
  }
  if (v.is_object()) {
    for (const auto& r : schema.value("required", json::array()))
      if (!v.contains(r)) return at + "/" + r.get<std::string>() + " (required)";
    for (auto& [k, item] : v.items()) {
      if (schema.contains("properties") && schema["properties"].contains(k)) {
        if (auto e = check(root, schema["properties"][k], item, at + "/" + k); !e.empty()) return e;
      } else if (schema.contains("additionalProperties")) {
        const json& extra = schema["additionalProperties"];
        if (extra.is_boolean() && !extra.get<bool>()) return at + "/" + k + " (not allowed)";
        if (extra.is_object())
          if (auto e = check(root, extra, item, at + "/" + k); !e.empty()) return e;
      }
    }
  }
  if (v.is_array() && schema.contains("items"))
    for (size_t i = 0; i < v.size(); ++i)
      if (auto e = check(root, schema["items"], v[i], at + "/" + std::to_string(i)); !e.empty()) return e;
  return "";
}

json committed_schema() {
  return json::parse(read(std::string(SARGA_SOURCE_DIR) + "/schemas/builder-template.schema.json"));
}

}  // namespace

TEST(Schema, CommittedFileMatchesTheParserTable) {
  EXPECT_EQ(committed_schema(), template_json_schema())
      << "regenerate: sarga-build schema > schemas/builder-template.schema.json";
}

TEST(Schema, FullJsonTemplateValidatesAndLoads) {
  json schema = committed_schema();
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  json doc = json::parse(read(data_dir() + "/full.pkr.json"));
  EXPECT_EQ(check(schema, schema, doc, ""), "");
  EXPECT_NO_THROW(load_template(data_dir() + "/full.pkr.json"));
}

TEST(Schema, ParserAndSchemaRejectTheSameUnknownKeys) {
  json schema = committed_schema();
  json doc = json::parse(read(data_dir() + "/full.pkr.json"));
  for (const std::string ptr : {"/build/provisioner/0/packages/instal", "/source/mmdebstrap/deb12/sute",
                                 "/build/post-processor/3/proxmox/tokn", "/biuld"}) {
    json bad = doc;
    bad[json::json_pointer(ptr)] = "x";
    std::string key = ptr.substr(ptr.rfind('/') + 1);
    EXPECT_NE(check(schema, schema, bad, ""), "") << ptr;
    try {
      load_template_text(bad.dump(2), data_dir() + "/mutated.pkr.json", true);
      ADD_FAILURE() << "parser accepted " << ptr;
    } catch (const TemplateError& e) {
      EXPECT_EQ(e.message().rfind("unknown key \"" + key + "\"", 0), 0u) << e.message();
    }
  }
}

TEST(Schema, ExampleJsonTemplatesValidate) {
  json schema = committed_schema();
  std::filesystem::path dir = std::string(SARGA_SOURCE_DIR) + "/examples/images";
  int checked = 0;
  if (std::filesystem::is_directory(dir))
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      if (entry.path().string().size() > 9 && entry.path().string().ends_with(".pkr.json")) {
        EXPECT_EQ(check(schema, schema, json::parse(read(entry.path().string())), ""), "") << entry.path();
        ++checked;
      }
  // Our own JSON fixture always counts, so this test checks something even without examples.
  EXPECT_EQ(check(schema, schema, json::parse(read(data_dir() + "/full.pkr.json")), ""), "");
  RecordProperty("example_json_templates", checked);
}
