#include "provider/plugin/go_plugin_services.h"

#include "lib/log/log.h"
#include "provider/plugin/stop.h"

namespace sarga::plugin {

grpc::Status ControllerService::Shutdown(grpc::ServerContext*, const ::plugin::Empty*,
                                         ::plugin::Empty*) {
  log::debug("plugin host asked for shutdown");
  request_stop();
  return grpc::Status::OK;
}

grpc::Status StdioService::StreamStdio(grpc::ServerContext*, const ::google::protobuf::Empty*,
                                       grpc::ServerWriter<::plugin::StdioData>*) {
  return grpc::Status::OK;
}

grpc::Status BrokerService::StartStream(
    grpc::ServerContext*, grpc::ServerReaderWriter<::plugin::ConnInfo, ::plugin::ConnInfo>*) {
  return grpc::Status::OK;
}

}  // namespace sarga::plugin
