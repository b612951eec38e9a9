// libFuzzer target: arbitrary msgpack as the config, proposed state and prior state of a
// PlanResourceChange and ApplyResourceChange for the test resource. Nothing may crash;
// bad input must come back as diagnostics.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lib/log/log.h"
#include "provider/framework/grpc_service.h"
#include "provider/framework/tests/fake_resource.h"

using namespace sarga::framework;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Quiet unless SARGA_FUZZ_LOG is set (to see what the seeds exercise).
  static bool quiet = (std::getenv("SARGA_FUZZ_LOG") || (sarga::log::set_min_level(sarga::log::Level::Error), true));
  (void)quiet;
  static testing::FakeProvider* fp = new testing::FakeProvider();
  static GrpcService* service = new GrpcService(fp->provider);
  std::string input(reinterpret_cast<const char*>(data), size);
  // Three parts separated by "|||": prior, proposed, config (missing parts are empty).
  std::string parts[3];
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    size_t end = i < 2 ? input.find("|||", start) : std::string::npos;
    parts[i] = input.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (end == std::string::npos) break;
    start = end + 3;
  }
  tfplugin6::PlanResourceChange::Request req;
  req.set_type_name("sarga_fake");
  req.mutable_prior_state()->set_msgpack(parts[0]);
  req.mutable_proposed_new_state()->set_msgpack(parts[1]);
  req.mutable_config()->set_msgpack(parts[2]);
  tfplugin6::PlanResourceChange::Response plan;
  service->PlanResourceChange(nullptr, &req, &plan);

  tfplugin6::ApplyResourceChange::Request apply;
  apply.set_type_name("sarga_fake");
  *apply.mutable_prior_state() = req.prior_state();
  *apply.mutable_planned_state() = plan.diagnostics_size() == 0 ? plan.planned_state() : req.proposed_new_state();
  *apply.mutable_config() = req.config();
  tfplugin6::ApplyResourceChange::Response applied;
  service->ApplyResourceChange(nullptr, &apply, &applied);

  tfplugin6::ValidateResourceConfig::Request validate;
  validate.set_type_name("sarga_fake");
  *validate.mutable_config() = req.config();
  tfplugin6::ValidateResourceConfig::Response validated;
  service->ValidateResourceConfig(nullptr, &validate, &validated);
  return 0;
}
