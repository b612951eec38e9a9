#include "lib/openbao/tests/bao_dev_server.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/openbao/client.h"

namespace sarga::openbao::testing {
namespace {

int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (s >= 0) close(s);
    throw std::runtime_error("cannot pick a free port");
  }
  int port = ntohs(a.sin_port);
  close(s);
  return port;
}

std::string random_hex(int bytes) {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", static_cast<unsigned>(rd() & 0xFF));
    out += b;
  }
  return out;
}

}  // namespace

std::string find_bao() {
  if (const char* env = std::getenv("SARGA_BAO"); env && *env) return env;
  std::string script = std::string(SARGA_SOURCE_DIR) + "/scripts/lib/get-bao.sh";
  FILE* p = popen(("bash " + script + " 2>/dev/null").c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + script);
  std::string out;
  std::array<char, 512> buf{};
  while (fgets(buf.data(), buf.size(), p)) out = buf.data();  // last line
  int rc = pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (rc != 0 || out.empty() || access(out.c_str(), X_OK) != 0)
    throw std::runtime_error("no bao binary: set SARGA_BAO or run scripts/lib/get-bao.sh (setup error)");
  return out;
}

BaoDevServer::BaoDevServer(bool tls) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sarga-bao-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  token_ = "sarga-test-" + random_hex(8);
  for (int attempt = 0;; ++attempt) {  // the port may be taken between pick and bind
    try {
      start_once(tls);
      return;
    } catch (const std::exception&) {
      stop();
      if (attempt == 2) throw;
    }
  }
}

void BaoDevServer::start_once(bool tls) {
  std::string bao = find_bao();
  int port = free_port();
  std::string listen = "127.0.0.1:" + std::to_string(port);
  log_ = dir_ + "/bao.log";
  std::vector<std::string> args = {bao, "server", "-dev", "-dev-root-token-id=" + token_,
                                   "-dev-listen-address=" + listen, "-dev-no-store-token"};
  if (tls) {
    args.push_back("-dev-tls");
    args.push_back("-dev-tls-cert-dir=" + dir_);
  }
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the test process
    int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    setenv("HOME", dir_.c_str(), 1);
    for (const char* v : {"BAO_ADDR", "BAO_TOKEN", "VAULT_ADDR", "VAULT_TOKEN", "BAO_NAMESPACE", "VAULT_NAMESPACE"})
      unsetenv(v);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  address_ = (tls ? "https://" : "http://") + listen;
  if (tls) ca_file_ = dir_ + "/vault-ca.pem";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("bao exited at start; log tail:\n" + log_tail());
    }
    if (!tls || std::filesystem::exists(ca_file_)) {
      Options o;
      o.address = address_;
      o.token = token_;
      o.tls.ca_file = ca_file_;
      o.max_retries = 0;
      o.timeout = std::chrono::milliseconds(2000);
      if (Client(o).healthy()) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("bao did not become healthy in 30 s; log tail:\n" + log_tail());
}

void BaoDevServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

BaoDevServer::~BaoDevServer() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string BaoDevServer::log_tail() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

BaoDevServer& BaoDevServer::shared() {
  static BaoDevServer server;
  return server;
}

}  // namespace sarga::openbao::testing
