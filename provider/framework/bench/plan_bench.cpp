// Prints framework throughput through the real gRPC service (in-process channel): plan and
// apply of N resources as tofu would send them, GetProviderSchema latency, and peak RSS.
//   framework_plan_bench [N]   (default 200)
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "lib/log/log.h"
#include "provider/cty/msgpack.h"
#include "provider/framework/grpc_service.h"
#include "provider/framework/tests/fake_resource.h"

using namespace sarga;
using namespace sarga::framework;
using Clock = std::chrono::steady_clock;

namespace {

long status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  }
  return -1;
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 200;
  sarga::log::set_min_level(sarga::log::Level::Error);
  testing::FakeProvider fp;
  GrpcService service(fp.provider);
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  auto stub = tfplugin6::Provider::NewStub(server->InProcessChannel(grpc::ChannelArguments()));
  cty::Type type = testing::fake_schema().implied_type();
  auto dv = [&](const cty::Value& v) {
    tfplugin6::DynamicValue out;
    out.set_msgpack(cty::to_msgpack(v, type));
    return out;
  };

  auto t0 = Clock::now();
  for (int i = 0; i < 100; ++i) {
    grpc::ClientContext ctx;
    tfplugin6::GetProviderSchema::Response resp;
    stub->GetProviderSchema(&ctx, {}, &resp);
  }
  double schema_ms = ms_since(t0) / 100;

  std::vector<tfplugin6::PlanResourceChange::Response> plans(n);
  t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    cty::Value config = testing::fake_object({{"name", testing::str("r" + std::to_string(i))}});
    tfplugin6::PlanResourceChange::Request req;
    req.set_type_name("sarga_fake");
    *req.mutable_prior_state() = dv(cty::Value::null(type));
    *req.mutable_proposed_new_state() = dv(config);
    *req.mutable_config() = dv(config);
    grpc::ClientContext ctx;
    stub->PlanResourceChange(&ctx, req, &plans[i]);
  }
  double plan_ms = ms_since(t0);

  t0 = Clock::now();
  int errors = 0;
  for (int i = 0; i < n; ++i) {
    cty::Value config = testing::fake_object({{"name", testing::str("r" + std::to_string(i))}});
    tfplugin6::ApplyResourceChange::Request req;
    req.set_type_name("sarga_fake");
    *req.mutable_prior_state() = dv(cty::Value::null(type));
    *req.mutable_planned_state() = plans[i].planned_state();
    *req.mutable_config() = dv(config);
    tfplugin6::ApplyResourceChange::Response resp;
    grpc::ClientContext ctx;
    stub->ApplyResourceChange(&ctx, req, &resp);
    errors += resp.diagnostics_size();
  }
  double apply_ms = ms_since(t0);

  std::printf("GetProviderSchema: %.3f ms per call\n", schema_ms);
  std::printf("PlanResourceChange x%d: %.1f ms total, %.0f plans/s\n", n, plan_ms, n / (plan_ms / 1000));
  std::printf("ApplyResourceChange x%d: %.1f ms total, %.0f applies/s (%d diagnostics)\n", n, apply_ms,
              n / (apply_ms / 1000), errors);
  std::printf("RSS now %ld KiB, peak %ld KiB\n", status_kb("VmRSS:"), status_kb("VmHWM:"));
  server->Shutdown();
  return errors == 0 ? 0 : 1;
}
