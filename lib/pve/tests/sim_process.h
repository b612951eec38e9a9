// Starts the real pve-sim binary of this build tree on a free loopback port for a test,
// and talks to its control endpoints (/_sim/faults, /_sim/settings). A missing binary is a
// setup error (the test fails), never a skip.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/http/http.h"
#include "lib/pve/client.h"

extern char** environ;

namespace sarga::pve::testing {

inline const char* kSimToken = "root@pam!sarga=6f1c2d3e-aaaa-bbbb-cccc-1234567890ab";
inline const char* kSimPassword = "sim-root-pw";

class SimProcess {
 public:
  explicit SimProcess(std::vector<std::string> extra_args = {}) {
    std::string bin = std::string(SARGA_BINARY_DIR) + "/acceptance-tests/pve-sim/pve-sim";
    if (!std::filesystem::exists(bin))
      throw std::runtime_error("pve-sim is not built at " + bin + " (ninja pve-sim)");
    std::vector<std::string> args = {bin, "--listen", "127.0.0.1:0", "--token", kSimToken, "--root-password",
                                     kSimPassword};
    for (auto& a : extra_args) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    int rc = posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) throw std::runtime_error("cannot start pve-sim");
    FILE* f = fdopen(out[0], "r");
    char line[4096];
    while (fgets(line, sizeof line, f)) {
      std::string l(line);
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
      if (l.rfind("url: ", 0) == 0) url_ = l.substr(5);
      if (l.rfind("fingerprint: ", 0) == 0) fingerprint_ = l.substr(13);
      if (l == "ready") break;
    }
    fclose(f);
    if (url_.empty() || fingerprint_.empty()) throw std::runtime_error("pve-sim did not report url/fingerprint");
    http::ClientOptions o;
    o.base_url = url_;
    o.tls.pinned_sha256 = fingerprint_;
    o.max_retries = 0;
    control_ = std::make_unique<http::Client>(o);
  }
  ~SimProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  const std::string& url() const { return url_; }
  const std::string& fingerprint() const { return fingerprint_; }

  // Token-auth client options pinned to the sim's certificate.
  ClientOptions options() const {
    ClientOptions o;
    o.endpoint = url_;
    o.token = kSimToken;
    o.tls.pinned_sha256 = fingerprint_;
    o.timeout = std::chrono::milliseconds(20'000);
    return o;
  }

  nlohmann::json control(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr) {
    http::Request r;
    r.method = method;
    r.path = path;
    if (!body.is_null()) {
      r.body = body.dump();
      r.content_type = "application/json";
    }
    auto resp = control_->send(r);
    if (resp.status != 200) throw std::runtime_error(method + " " + path + ": " + std::to_string(resp.status) + " " + resp.body);
    return resp.body.empty() ? nlohmann::json() : nlohmann::json::parse(resp.body);
  }
  void faults(const nlohmann::json& plan) { control("POST", "/_sim/faults", plan); }
  void settings(const nlohmann::json& s) { control("POST", "/_sim/settings", s); }

 private:
  pid_t pid_ = -1;
  std::string url_, fingerprint_;
  std::unique_ptr<http::Client> control_;
};

}  // namespace sarga::pve::testing
