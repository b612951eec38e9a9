// The seed resource and the function through the framework's generic algorithms (the same
// code path the gRPC service uses), without tofu: plan, apply, read (drift), import, delete.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lib/artifact/hash.h"
#include "provider/framework/model.h"
#include "provider/framework/operations.h"
#include "provider/framework/provider.h"
#include "provider/resources/register.h"

namespace sarga::resources {
namespace {

using cty::Value;
constexpr const char* kType = "sarga_cloudinit_seed";

class SeedResource : public ::testing::Test {
 protected:
  SeedResource() : provider_("0.1.0", [](const std::string&) { return std::nullopt; }), ops_(provider_) {
    register_all(provider_);
    dir_ = std::filesystem::temp_directory_path() /
           ("seed-binding-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~SeedResource() override { std::filesystem::remove_all(dir_); }

  const framework::Schema& schema() { return provider_.find_resource(kType)->schema; }

  // A config object: every attribute null except the given ones.
  Value config(const std::map<std::string, Value>& attrs) {
    framework::Model m(schema().null_object());
    for (const auto& [k, v] : attrs) m.set(k, v);
    return m.value();
  }

  Value basic(const std::string& user_data = "#cloud-config\npackages: [nginx]\n") {
    return config({{"hostname", Value::string("web-01")},
                   {"user_data", Value::string(user_data)},
                   {"output_path", Value::string(path().string())}});
  }

  std::filesystem::path path() { return dir_ / "seed.iso"; }

  // Plan then apply, as tofu does (proposed = config for a fresh object).
  Value create(const Value& cfg) {
    Value prior = Value::null(schema().implied_type());
    auto plan = ops_.plan(kType, prior, cfg, cfg, "");
    EXPECT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
    auto applied = ops_.apply(kType, prior, plan.planned, cfg, plan.planned_private);
    EXPECT_FALSE(applied.diagnostics.has_errors()) << applied.diagnostics.to_string();
    return applied.state;
  }

  // What ProposedNew gives for an unchanged config on top of `prior`: prior computed values.
  Value proposed(const Value& prior, const Value& cfg) {
    framework::Model m(cfg);
    for (const char* c : {"id", "instance_id", "sha256", "size", "rendered_user_data", "gzip"})
      if (cfg.attribute(c).is_null()) m.set(c, prior.attribute(c));
    return m.value();
  }

  framework::Provider provider_;
  framework::Operations ops_;
  std::filesystem::path dir_;
};

TEST_F(SeedResource, PlanKnowsTheHashAndApplyWritesTheFile) {
  Value cfg = basic();
  auto plan = ops_.plan(kType, Value::null(schema().implied_type()), cfg, cfg, "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  ASSERT_TRUE(plan.planned.attribute("sha256").is_known());
  Value state = create(cfg);
  EXPECT_EQ(state.attribute("sha256"), plan.planned.attribute("sha256"));
  EXPECT_EQ(artifact::sha256_file(path()), state.attribute("sha256").as_string());
  EXPECT_EQ(state.attribute("size").as_int64(),
            static_cast<int64_t>(std::filesystem::file_size(path())));
  EXPECT_EQ(state.attribute("id").as_string(), path().string());
  EXPECT_FALSE(state.attribute("gzip").as_bool());

  // Re-plan with the same config: planned equals prior, so tofu sees no change.
  auto again = ops_.plan(kType, state, proposed(state, cfg), cfg, "");
  ASSERT_FALSE(again.diagnostics.has_errors()) << again.diagnostics.to_string();
  EXPECT_EQ(again.planned, state);
  EXPECT_TRUE(again.requires_replace.empty());
}

TEST_F(SeedResource, ReadReportsDeletedAndEditedFiles) {
  Value state = create(basic());
  auto same = ops_.read(kType, state, "");
  EXPECT_EQ(same.state, state);

  std::ofstream(path(), std::ios::app) << "x";
  auto edited = ops_.read(kType, state, "");
  EXPECT_NE(edited.state.attribute("sha256"), state.attribute("sha256"));
  auto replan = ops_.plan(kType, edited.state, proposed(edited.state, basic()), basic(), "");
  EXPECT_EQ(replan.planned.attribute("sha256"), state.attribute("sha256"));  // an update

  std::filesystem::remove(path());
  EXPECT_TRUE(ops_.read(kType, state, "").state.is_null());
}

TEST_F(SeedResource, ContentChangeUpdatesInPlaceAndPathChangeReplaces) {
  Value state = create(basic());
  Value changed = basic("#cloud-config\npackages: [curl]\n");
  auto plan = ops_.plan(kType, state, proposed(state, changed), changed, "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  EXPECT_TRUE(plan.requires_replace.empty());
  EXPECT_NE(plan.planned.attribute("instance_id"), state.attribute("instance_id"));

  framework::Model moved(basic());
  moved.set_string("output_path", (dir_ / "other.iso").string());
  auto replace = ops_.plan(kType, state, proposed(state, moved.value()), moved.value(), "");
  ASSERT_EQ(replace.requires_replace.size(), 1u);
  EXPECT_EQ(replace.requires_replace[0].to_string(), "output_path");
}

TEST_F(SeedResource, ImportRebuildsTheStateFromTheImage) {
  Value state = create(basic());
  framework::Diagnostics d;
  auto imported = ops_.import_state(kType, path().string(), d);
  ASSERT_EQ(imported.size(), 1u);
  ASSERT_FALSE(d.has_errors()) << d.to_string();
  auto read = ops_.read(kType, imported[0].state, "");
  ASSERT_FALSE(read.diagnostics.has_errors()) << read.diagnostics.to_string();
  EXPECT_EQ(read.state, state);
}

TEST_F(SeedResource, DeleteRemovesTheFile) {
  Value state = create(basic());
  auto gone = ops_.apply(kType, state, Value::null(schema().implied_type()),
                         Value::null(schema().implied_type()), "");
  EXPECT_FALSE(gone.diagnostics.has_errors()) << gone.diagnostics.to_string();
  EXPECT_FALSE(std::filesystem::exists(path()));
}

TEST_F(SeedResource, ValidationErrorsCarryAttributePaths) {
  Value cfg = config({{"user_data", Value::string("#cloud-config\nx: [\n")},
                      {"network_config", Value::string("version: 1\n")},
                      {"output_path", Value::string(path().string())}});
  auto d = ops_.validate_resource_config(kType, cfg);
  std::vector<std::string> paths;
  for (const auto& diag : d)
    if (diag.attribute) paths.push_back(diag.attribute->to_string());
  EXPECT_EQ(paths, (std::vector<std::string>{"user_data", "network_config"}));
}

TEST_F(SeedResource, UnknownConfigPlansUnknownComputedValues) {
  framework::Model m(basic());
  m.set("user_data", Value::unknown(cty::Type::string()));
  auto plan = ops_.plan(kType, Value::null(schema().implied_type()), m.value(), m.value(), "");
  ASSERT_FALSE(plan.diagnostics.has_errors()) << plan.diagnostics.to_string();
  EXPECT_FALSE(plan.planned.attribute("sha256").is_known());
  EXPECT_FALSE(plan.planned.attribute("instance_id").is_known());
  EXPECT_EQ(plan.planned.attribute("id").as_string(), path().string());
  EXPECT_TRUE(ops_.validate_resource_config(kType, m.value()).empty());
}

TEST(CloudinitUserdataFunction, CallsThroughTheFramework) {
  framework::Provider provider("0.1.0", [](const std::string&) { return std::nullopt; });
  register_all(provider);
  framework::Operations ops(provider);
  auto ok = ops.call_function("cloudinit_userdata",
                              {Value::object({{"packages", Value::tuple({Value::string("vim")})}})});
  ASSERT_FALSE(ok.error) << *ok.error;
  EXPECT_EQ(ok.result.as_string(), "#cloud-config\npackages:\n  - vim\n");
  auto bad = ops.call_function("cloudinit_userdata", {Value::string("x")});
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(bad.error_argument, 0);
}

}  // namespace
}  // namespace sarga::resources
