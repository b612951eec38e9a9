// go-plugin's side services every plugin serves beside tfplugin6 (protocol.md 1.5).
#pragma once

#include "plugin/grpc_broker.grpc.pb.h"
#include "plugin/grpc_controller.grpc.pb.h"
#include "plugin/grpc_stdio.grpc.pb.h"

namespace sarga::plugin {

// Shutdown replies at once and asks the serve loop (another thread) to stop the server:
// a gRPC C++ Server::Shutdown() inside a handler would wait for that very handler.
class ControllerService final : public ::plugin::GRPCController::Service {
 public:
  grpc::Status Shutdown(grpc::ServerContext* context, const ::plugin::Empty* request,
                        ::plugin::Empty* response) override;
};

// Providers log to fd 2 directly, so the stdio stream ends immediately (host reads EOF).
class StdioService final : public ::plugin::GRPCStdio::Service {
 public:
  grpc::Status StreamStdio(grpc::ServerContext* context,
                           const ::google::protobuf::Empty* request,
                           grpc::ServerWriter<::plugin::StdioData>* writer) override;
};

// Providers broker no extra connections; the stream ends at once so it never holds up
// shutdown (the host ignores the end of this stream).
class BrokerService final : public ::plugin::GRPCBroker::Service {
 public:
  grpc::Status StartStream(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<::plugin::ConnInfo, ::plugin::ConnInfo>* stream) override;
};

}  // namespace sarga::plugin
