// The tfplugin6 service end to end through an in-process gRPC channel, with msgpack
// DynamicValues in and out.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include <thread>

#include "provider/cty/msgpack.h"
#include "provider/framework/grpc_service.h"
#include "provider/framework/tests/fake_resource.h"

namespace sarga::framework::testing {
namespace {

class GrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = std::make_unique<GrpcService>(fp_.provider);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_);
    stub_ = tfplugin6::Provider::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override { server_->Shutdown(); }

  tfplugin6::DynamicValue dv(const cty::Value& v) {
    tfplugin6::DynamicValue out;
    out.set_msgpack(cty::to_msgpack(v, type_));
    return out;
  }
  cty::Value from(const tfplugin6::DynamicValue& v) { return cty::from_msgpack(v.msgpack(), type_); }

  FakeProvider fp_;
  cty::Type type_ = fake_schema().implied_type();
  std::unique_ptr<GrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<tfplugin6::Provider::Stub> stub_;
};

const tfplugin6::Schema::Attribute* find_attr(const tfplugin6::Schema::Block& b, const std::string& name) {
  for (const auto& a : b.attributes()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

TEST_F(GrpcTest, SchemaCarriesFlagsFunctionsAndCapabilities) {
  grpc::ClientContext ctx;
  tfplugin6::GetProviderSchema::Response resp;
  ASSERT_TRUE(stub_->GetProviderSchema(&ctx, {}, &resp).ok());
  EXPECT_TRUE(resp.server_capabilities().plan_destroy());
  EXPECT_FALSE(resp.server_capabilities().get_provider_schema_optional());
  ASSERT_EQ(resp.resource_schemas().count("sarga_fake"), 1u);
  const auto& s = resp.resource_schemas().at("sarga_fake");
  EXPECT_EQ(s.version(), 1);
  const auto* password = find_attr(s.block(), "password");
  ASSERT_NE(password, nullptr);
  EXPECT_TRUE(password->sensitive());
  EXPECT_TRUE(password->write_only());
  EXPECT_EQ(password->type(), "\"string\"");
  const auto* size = find_attr(s.block(), "size");
  EXPECT_TRUE(size->optional() && size->computed());  // defaults are optional+computed
  const auto* id = find_attr(s.block(), "id");
  EXPECT_TRUE(id->computed() && !id->optional());
  EXPECT_EQ(find_attr(s.block(), "tags")->type(), "[\"map\",\"string\"]");
  ASSERT_EQ(s.block().block_types_size(), 1);
  EXPECT_EQ(s.block().block_types(0).nesting(), tfplugin6::Schema::NestedBlock::LIST);
  EXPECT_EQ(s.block().block_types(0).max_items(), 3);
  EXPECT_EQ(s.block().description_kind(), tfplugin6::MARKDOWN);
  EXPECT_EQ(resp.data_source_schemas().count("sarga_fake_info"), 1u);
  EXPECT_EQ(resp.ephemeral_resource_schemas().count("sarga_fake_token"), 1u);
  ASSERT_EQ(resp.functions().count("shout"), 1u);
  EXPECT_EQ(resp.functions().at("shout").return_().type(), "\"string\"");
  const auto& proxmox = resp.provider().block().block_types(0);
  ASSERT_EQ(proxmox.type_name(), "proxmox");
  ASSERT_NE(find_attr(proxmox.block(), "api_token"), nullptr);
  EXPECT_TRUE(find_attr(proxmox.block(), "api_token")->sensitive());
}

TEST_F(GrpcTest, PlanApplyReadRoundTrip) {
  cty::Value config = fake_object({{"name", str("web")}, {"password", str("pw")}});
  tfplugin6::PlanResourceChange::Request plan_req;
  plan_req.set_type_name("sarga_fake");
  *plan_req.mutable_prior_state() = dv(cty::Value::null(type_));
  *plan_req.mutable_proposed_new_state() = dv(config);
  *plan_req.mutable_config() = dv(config);
  tfplugin6::PlanResourceChange::Response plan;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->PlanResourceChange(&ctx, plan_req, &plan).ok());
  }
  ASSERT_EQ(plan.diagnostics_size(), 0) << plan.diagnostics(0).detail();
  EXPECT_FALSE(plan.legacy_type_system());
  cty::Value planned = from(plan.planned_state());
  EXPECT_FALSE(Model(planned).get("id").is_known());
  // Unknowns travel as the msgpack extension d4 00 00.
  EXPECT_NE(plan.planned_state().msgpack().find(std::string("\xd4\x00\x00", 3)), std::string::npos);

  tfplugin6::ApplyResourceChange::Request apply_req;
  apply_req.set_type_name("sarga_fake");
  *apply_req.mutable_prior_state() = dv(cty::Value::null(type_));
  *apply_req.mutable_planned_state() = plan.planned_state();
  *apply_req.mutable_config() = dv(config);
  tfplugin6::ApplyResourceChange::Response applied;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ApplyResourceChange(&ctx, apply_req, &applied).ok());
  }
  ASSERT_EQ(applied.diagnostics_size(), 0) << applied.diagnostics(0).detail();
  cty::Value state = from(applied.new_state());
  EXPECT_EQ(Model(state).get_string("id"), "fake-web");
  EXPECT_TRUE(Model(state).get("password").is_null());

  fp_.behaviour->gone = true;
  tfplugin6::ReadResource::Request read_req;
  read_req.set_type_name("sarga_fake");
  *read_req.mutable_current_state() = applied.new_state();
  tfplugin6::ReadResource::Response read;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ReadResource(&ctx, read_req, &read).ok());
  EXPECT_EQ(read.new_state().msgpack(), std::string("\xc0", 1));  // null: gone
}

TEST_F(GrpcTest, DiagnosticsCarryAttributePaths) {
  cty::Type disk = cty::Type::object({{"slot", cty::Type::string()}, {"uuid", cty::Type::string()}});
  cty::Value config = fake_object(
      {{"name", str("web")},
       {"disk", cty::Value::list(disk, {cty::Value::object({{"slot", str("bad")}, {"uuid", cty::Value::null(cty::Type::string())}})})}});
  tfplugin6::ValidateResourceConfig::Request req;
  req.set_type_name("sarga_fake");
  *req.mutable_config() = dv(config);
  tfplugin6::ValidateResourceConfig::Response resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ValidateResourceConfig(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.diagnostics_size(), 1);
  const auto& d = resp.diagnostics(0);
  EXPECT_EQ(d.severity(), tfplugin6::Diagnostic::ERROR);
  ASSERT_EQ(d.attribute().steps_size(), 3);
  EXPECT_EQ(d.attribute().steps(0).attribute_name(), "disk");
  EXPECT_EQ(d.attribute().steps(1).element_key_int(), 0);
  EXPECT_EQ(d.attribute().steps(2).attribute_name(), "slot");
}

TEST_F(GrpcTest, BadMsgpackIsADiagnosticNotACrash) {
  tfplugin6::PlanResourceChange::Request req;
  req.set_type_name("sarga_fake");
  req.mutable_config()->set_msgpack(std::string("\x81\xa4nam", 5));
  tfplugin6::PlanResourceChange::Response resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->PlanResourceChange(&ctx, req, &resp).ok());
  ASSERT_GE(resp.diagnostics_size(), 1);
  EXPECT_EQ(resp.diagnostics(0).severity(), tfplugin6::Diagnostic::ERROR);
}

TEST_F(GrpcTest, CallFunctionAndUpgradeState) {
  tfplugin6::CallFunction::Request call;
  call.set_name("shout");
  call.add_arguments()->set_msgpack(cty::to_msgpack(str("hey"), cty::Type::string()));
  tfplugin6::CallFunction::Response result;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->CallFunction(&ctx, call, &result).ok());
  }
  ASSERT_FALSE(result.has_error()) << result.error().text();
  EXPECT_EQ(cty::from_msgpack(result.result().msgpack(), cty::Type::string()).as_string(), "HEY");

  tfplugin6::UpgradeResourceState::Request up;
  up.set_type_name("sarga_fake");
  up.set_version(0);
  up.mutable_raw_state()->set_json(R"({"id":"x","title":"t"})");
  tfplugin6::UpgradeResourceState::Response upgraded;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->UpgradeResourceState(&ctx, up, &upgraded).ok());
  ASSERT_EQ(upgraded.diagnostics_size(), 0) << upgraded.diagnostics(0).detail();
  EXPECT_EQ(Model(from(upgraded.upgraded_state())).get_string("name"), "t");
}

TEST_F(GrpcTest, EphemeralOpenSetsRenewAndPrivate) {
  tfplugin6::OpenEphemeralResource::Request req;
  req.set_type_name("sarga_fake_token");
  cty::Type t = cty::Type::object({{"value", cty::Type::string()}});
  req.mutable_config()->set_msgpack(cty::to_msgpack(cty::Value::null(t), t));
  tfplugin6::OpenEphemeralResource::Response resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->OpenEphemeralResource(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.diagnostics_size(), 1);  // config null: resource writes into a null object
  tfplugin6::OpenEphemeralResource::Request req2 = req;
  req2.mutable_config()->set_msgpack(
      cty::to_msgpack(cty::Value::object({{"value", cty::Value::null(cty::Type::string())}}), t));
  tfplugin6::OpenEphemeralResource::Response ok;
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->OpenEphemeralResource(&ctx2, req2, &ok).ok());
  ASSERT_EQ(ok.diagnostics_size(), 0) << ok.diagnostics(0).detail();
  EXPECT_EQ(ok.private_(), "lease-1");
  EXPECT_EQ(ok.renew_at().seconds(), 2000000000);
  EXPECT_EQ(cty::from_msgpack(ok.result().msgpack(), t).attribute("value").as_string(), "secret-1");
}

TEST_F(GrpcTest, UnimplementedRpcsAnswerCleanly) {
  tfplugin6::GenerateResourceConfig::Request req;
  tfplugin6::GenerateResourceConfig::Response resp;
  grpc::ClientContext ctx;
  EXPECT_EQ(stub_->GenerateResourceConfig(&ctx, req, &resp).error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(GrpcTest, StopProviderDuringConcurrentCreates) {
  fp_.behaviour->wait_for_cancel = true;
  cty::Value config = fake_object({{"name", str("web")}});
  std::vector<std::thread> threads;
  std::atomic<int> cancelled_errors{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      tfplugin6::PlanResourceChange::Request p;
      p.set_type_name("sarga_fake");
      *p.mutable_prior_state() = dv(cty::Value::null(type_));
      *p.mutable_proposed_new_state() = dv(config);
      *p.mutable_config() = dv(config);
      tfplugin6::PlanResourceChange::Response plan;
      grpc::ClientContext c1;
      if (!stub_->PlanResourceChange(&c1, p, &plan).ok()) return;
      tfplugin6::ApplyResourceChange::Request a;
      a.set_type_name("sarga_fake");
      *a.mutable_prior_state() = dv(cty::Value::null(type_));
      *a.mutable_planned_state() = plan.planned_state();
      *a.mutable_config() = dv(config);
      tfplugin6::ApplyResourceChange::Response applied;
      grpc::ClientContext c2;
      if (stub_->ApplyResourceChange(&c2, a, &applied).ok() && applied.diagnostics_size() == 1 &&
          applied.diagnostics(0).summary() == "Cancelled") {
        ++cancelled_errors;
      }
    });
  }
  while (fp_.behaviour->creates.load() < 4) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  tfplugin6::StopProvider::Response stop;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->StopProvider(&ctx, {}, &stop).ok());
  EXPECT_EQ(stop.error(), "");
  for (auto& t : threads) t.join();
  EXPECT_EQ(cancelled_errors.load(), 4);
}

}  // namespace
}  // namespace sarga::framework::testing
