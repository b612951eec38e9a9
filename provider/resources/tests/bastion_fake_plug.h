// A Tasmota-shaped fake plug on loopback for the bastion resource tests: /cm commands with
// a web password, PulseTime, and a switch that the test can flip out of band (drift).
#pragma once

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace sarga::resources::testing {

class FakeTasmota {
 public:
  FakeTasmota() {
    server_.Get("/cm", [this](const httplib::Request& q, httplib::Response& r) {
      std::lock_guard l(mu_);
      if (q.get_param_value("password") != password) {
        r.set_content(R"({"WARNING":"Need user=<username>&password=<password>"})", "application/json");
        return;
      }
      std::string c = q.get_param_value("cmnd");
      commands.push_back(c);
      nlohmann::json out;
      if (c == "Power ON") on = true;
      if (c == "Power OFF") on = false;
      if (c.rfind("PulseTime1 ", 0) == 0) pulse = std::stoi(c.substr(11));
      if (c.rfind("PulseTime1", 0) == 0) out["PulseTime1"] = {{"Set", pulse}, {"Remaining", on ? pulse : 0}};
      else if (c == "Status 10") out["StatusSNS"]["ENERGY"]["Power"] = on ? 17.8 : 0.0;
      else if (c == "Power" || c == "Power ON" || c == "Power OFF") out["POWER"] = on ? "ON" : "OFF";
      else out["Command"] = "Unknown";
      r.set_content(out.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~FakeTasmota() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool is_on() {
    std::lock_guard l(mu_);
    return on;
  }
  void set_on(bool v) {  // the plug's button
    std::lock_guard l(mu_);
    on = v;
  }
  int pulse_time() {
    std::lock_guard l(mu_);
    return pulse;
  }
  size_t command_count() {
    std::lock_guard l(mu_);
    return commands.size();
  }

  std::string password = "tasm0ta-pw";
  std::vector<std::string> commands;

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  bool on = false;
  int pulse = 0;
};

}  // namespace sarga::resources::testing
