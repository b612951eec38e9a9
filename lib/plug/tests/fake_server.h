// A plain-HTTP cpp-httplib server on a free loopback port, run on its own thread for one
// test: register handlers on http(), then start().
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace sarga::plug::testing {

class FakeServer {
 public:
  httplib::Server& http() { return server_; }
  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  ~FakeServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace sarga::plug::testing
