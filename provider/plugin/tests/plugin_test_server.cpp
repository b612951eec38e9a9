// go-plugin server with only the built-in services: what the process tests drive.
// With SARGA_TEST_HANG_SERVICE=1 it also serves /sarga.test.Hang/Hang, a handler that
// ignores cancellation for 60 s, to prove Shutdown still ends the process in time.
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/method_handler.h>

#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "lib/log/log.h"
#include "provider/plugin/serve.h"

namespace {

class HangService final : public grpc::Service {
 public:
  HangService() {
    AddMethod(new grpc::internal::RpcServiceMethod(
        "/sarga.test.Hang/Hang", grpc::internal::RpcMethod::NORMAL_RPC,
        new grpc::internal::RpcMethodHandler<HangService, grpc::ByteBuffer, grpc::ByteBuffer>(
            [](HangService*, grpc::ServerContext*, const grpc::ByteBuffer*, grpc::ByteBuffer*) {
              std::this_thread::sleep_for(std::chrono::seconds(60));
              return grpc::Status::OK;
            },
            this)));
  }
};

}  // namespace

int main(int argc, char** argv) {
  sarga::plugin::ServeOptions options;
  options.provider_address = "registry.opentofu.org/sarga/plugintest";
  // Proves on_stop runs: a line on stderr the process tests look for.
  options.on_stop = [] { sarga::log::info("plugin_test_server: on_stop called"); };
  HangService hang;
  std::vector<grpc::Service*> services;
  const char* hang_env = std::getenv("SARGA_TEST_HANG_SERVICE");
  if (hang_env && std::string_view(hang_env) == "1") services.push_back(&hang);
  return sarga::plugin::serve(argc, argv, services, options);
}
