// Drives plugin_test_server (serve() with no extra services) as a child process, the way
// OpenTofu's go-plugin host does.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/rpc_method.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "plugin/grpc_controller.grpc.pb.h"
#include "plugin/grpc_stdio.grpc.pb.h"
#include "provider/plugin/mtls.h"
#include "provider/plugin/tests/cert_inspect.h"
#include "provider/plugin/tests/child_process.h"

namespace sarga::plugin {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::Env;

struct Handshake {
  std::vector<std::string> fields;
  std::string network, address, cert_der;
};

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

class ServeProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "sarga-plugin-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Env host_env(bool tls = true) {
    Env env{{"TF_PLUGIN_MAGIC_COOKIE", testing::kCookie},
            {"PLUGIN_PROTOCOL_VERSIONS", "5,6"},
            {"PLUGIN_UNIX_SOCKET_DIR", dir_},
            {"PLUGIN_MIN_PORT", "10000"},
            {"PLUGIN_MAX_PORT", "25000"}};
    if (tls) env["PLUGIN_CLIENT_CERT"] = host_cert_.cert_pem;
    return env;
  }

  std::unique_ptr<ChildProcess> start(const Env& env, std::vector<std::string> args = {}) {
    return std::make_unique<ChildProcess>(PLUGIN_TEST_SERVER, args, env);
  }

  static Handshake read_handshake(ChildProcess& child) {
    auto line = child.read_stdout_line(10s);
    EXPECT_TRUE(line) << "no handshake; stderr: " << child.read_stderr_all(100ms);
    Handshake h;
    if (!line) return h;
    h.fields = split(*line, '|');
    if (h.fields.size() == 6) {
      h.network = h.fields[2];
      h.address = h.fields[3];
      EXPECT_TRUE(base64_decode(h.fields[5], h.cert_der)) << h.fields[5];
    }
    return h;
  }

  static std::string target_of(const Handshake& h) {
    return h.network == "unix" ? "unix:" + h.address : "ipv4:" + h.address;
  }

  // TLS channel as the host makes it: the server cert from the handshake is the only root.
  static std::shared_ptr<grpc::Channel> tls_channel(const Handshake& h, const Certificate* client) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = testing::der_to_pem(h.cert_der);
    if (client) {
      tls.pem_private_key = client->key_pem;
      tls.pem_cert_chain = client->cert_pem;
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(target_of(h), grpc::SslCredentials(tls), args);
  }

  static std::shared_ptr<grpc::Channel> plain_channel(const std::string& target) {
    return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  }

  // grpc.health.v1.Health/Check by hand: request field 1 = service, response field 1 = status.
  static grpc::Status health_check(const std::shared_ptr<grpc::Channel>& channel,
                                   const std::string& service, int* status) {
    std::string request = "\x0a";
    size_t len = service.size();
    do {  // varint length
      unsigned char b = len & 0x7f;
      len >>= 7;
      request.push_back(static_cast<char>(len ? (b | 0x80) : b));
    } while (len);
    request += service;
    grpc::Slice slice(request);
    grpc::ByteBuffer req(&slice, 1), resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 5s);
    grpc::internal::RpcMethod method("/grpc.health.v1.Health/Check",
                                     grpc::internal::RpcMethod::NORMAL_RPC);
    grpc::Status s = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        channel.get(), method, &ctx, req, &resp);
    if (s.ok() && status) {
      std::vector<grpc::Slice> slices;
      (void)resp.Dump(&slices);
      std::string bytes;
      for (auto& sl : slices) bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
      *status = (bytes.size() == 2 && bytes[0] == 0x08) ? bytes[1] : -1;
    }
    return s;
  }

  static grpc::Status shutdown(const std::shared_ptr<grpc::Channel>& channel) {
    auto stub = ::plugin::GRPCController::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 5s);
    ::plugin::Empty req, resp;
    return stub->Shutdown(&ctx, req, &resp);
  }

  std::string dir_;
  // go-plugin's host certificate profile: P-521, O=HashiCorp.
  Certificate host_cert_ = make_self_signed(Curve::P521, "HashiCorp");
};

TEST_F(ServeProcess, WithoutCookieExplainsAndExitsOneWithEmptyStdout) {
  Env env = host_env();
  env.erase("TF_PLUGIN_MAGIC_COOKIE");
  auto child = start(env);
  EXPECT_EQ(child->wait_exit(5s), 1);
  EXPECT_EQ(child->read_stdout_all(1s), "");
  EXPECT_NE(child->read_stderr_all(1s).find("This binary is a plugin"), std::string::npos);
}

TEST_F(ServeProcess, WrongCookieIsRefusedToo) {
  Env env = host_env();
  env["TF_PLUGIN_MAGIC_COOKIE"] = "nope";
  auto child = start(env);
  EXPECT_EQ(child->wait_exit(5s), 1);
  EXPECT_EQ(child->read_stdout_all(1s), "");
}

TEST_F(ServeProcess, ProtocolListWithoutSixIsAClearError) {
  Env env = host_env();
  env["PLUGIN_PROTOCOL_VERSIONS"] = "4,5";
  auto child = start(env);
  EXPECT_EQ(child->wait_exit(5s), 1);
  EXPECT_EQ(child->read_stdout_all(1s), "");
  std::string err = child->read_stderr_all(1s);
  EXPECT_NE(err.find("does not include 6"), std::string::npos) << err;
  auto line = nlohmann::json::parse(err.substr(0, err.find('\n')));
  EXPECT_EQ(line.at("@level"), "error");
}

TEST_F(ServeProcess, MissingProtocolVariableIsAClearError) {
  Env env = host_env();
  env.erase("PLUGIN_PROTOCOL_VERSIONS");
  auto child = start(env);
  EXPECT_EQ(child->wait_exit(5s), 1);
  EXPECT_EQ(child->read_stdout_all(1s), "");
  EXPECT_NE(child->read_stderr_all(1s).find("PLUGIN_PROTOCOL_VERSIONS is not set"), std::string::npos);
}

TEST_F(ServeProcess, GarbageClientCertIsAClearError) {
  Env env = host_env();
  env["PLUGIN_CLIENT_CERT"] = "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n";
  auto child = start(env);
  EXPECT_EQ(child->wait_exit(5s), 1);
  EXPECT_EQ(child->read_stdout_all(1s), "");
  EXPECT_NE(child->read_stderr_all(1s).find("PLUGIN_CLIENT_CERT does not hold a PEM certificate"),
            std::string::npos);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));  // no socket left behind
}

TEST_F(ServeProcess, HandshakeLineAnnouncesUnixSocketAndCertificate) {
  auto child = start(host_env());
  Handshake h = read_handshake(*child);
  ASSERT_EQ(h.fields.size(), 6u);
  EXPECT_EQ(h.fields[0], "1");
  EXPECT_EQ(h.fields[1], "6");
  EXPECT_EQ(h.network, "unix");
  EXPECT_EQ(h.address.rfind(dir_ + "/plugin", 0), 0u) << h.address;
  struct stat st {};
  ASSERT_EQ(::stat(h.address.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(h.fields[4], "grpc");
  EXPECT_EQ(h.fields[5].find('='), std::string::npos);
  EXPECT_GT(h.fields[5].size(), 50u);
  auto cert = testing::parse_der(h.cert_der);
  ASSERT_TRUE(cert) << "SERVERCERT is not DER";
  EXPECT_TRUE(testing::has_dns_san(cert.get(), "localhost"));
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_TRUE(X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER);
  EXPECT_TRUE(X509_get_extended_key_usage(cert.get()) & XKU_SSL_CLIENT);
}

TEST_F(ServeProcess, AutoMtlsHostCertGetsServingHealth) {
  auto child = start(host_env());
  Handshake h = read_handshake(*child);
  int status = 0;
  grpc::Status s = health_check(tls_channel(h, &host_cert_), "plugin", &status);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(status, 1);  // SERVING
}

TEST_F(ServeProcess, AutoMtlsRefusesForeignAndMissingClientCert) {
  auto child = start(host_env());
  Handshake h = read_handshake(*child);
  Certificate foreign = make_self_signed(Curve::P521, "HashiCorp");
  EXPECT_FALSE(health_check(tls_channel(h, &foreign), "plugin", nullptr).ok());
  EXPECT_FALSE(health_check(tls_channel(h, nullptr), "plugin", nullptr).ok());
  EXPECT_FALSE(health_check(plain_channel(target_of(h)), "plugin", nullptr).ok());
  // The host's own certificate still works afterwards.
  int status = 0;
  EXPECT_TRUE(health_check(tls_channel(h, &host_cert_), "plugin", &status).ok());
  EXPECT_EQ(status, 1);
}

TEST_F(ServeProcess, ShutdownExitsWithinTwoSecondsAndRemovesSocket) {
  auto child = start(host_env());
  Handshake h = read_handshake(*child);
  auto channel = tls_channel(h, &host_cert_);
  ASSERT_TRUE(health_check(channel, "plugin", nullptr).ok());
  auto asked = std::chrono::steady_clock::now();
  grpc::Status s = shutdown(channel);
  EXPECT_TRUE(s.ok()) << s.error_message();
  auto code = child->wait_exit(2s);
  ASSERT_TRUE(code) << "still running 2 s after Shutdown";
  EXPECT_EQ(*code, 0);
  auto took = std::chrono::steady_clock::now() - asked;
  EXPECT_LT(took, 2s);
  RecordProperty("exit_ms", static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  EXPECT_FALSE(std::filesystem::exists(h.address));
  // Nothing but the handshake line ever reached stdout.
  EXPECT_EQ(child->read_stdout_all(1s), "");
  EXPECT_NE(child->read_stderr_all(1s).find("on_stop called"), std::string::npos);
}

TEST_F(ServeProcess, ShutdownEndsProcessEvenWithAStuckHandler) {
  Env env = host_env();
  env["SARGA_TEST_HANG_SERVICE"] = "1";
  auto child = start(env);
  Handshake h = read_handshake(*child);
  auto channel = tls_channel(h, &host_cert_);
  ASSERT_TRUE(health_check(channel, "plugin", nullptr).ok());
  std::thread hung([channel] {
    grpc::Slice empty("");
    grpc::ByteBuffer req(&empty, 1), resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    grpc::internal::RpcMethod method("/sarga.test.Hang/Hang", grpc::internal::RpcMethod::NORMAL_RPC);
    (void)grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        channel.get(), method, &ctx, req, &resp);
  });
  std::this_thread::sleep_for(200ms);  // let the call reach its handler
  auto asked = std::chrono::steady_clock::now();
  EXPECT_TRUE(shutdown(channel).ok());
  auto code = child->wait_exit(2s);
  hung.join();
  ASSERT_TRUE(code) << "a stuck handler kept the plugin alive past 2 s";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s);
  EXPECT_FALSE(std::filesystem::exists(h.address));
}

TEST_F(ServeProcess, VerboseGrpcLogsGoToStderrAsHclogNeverStdout) {
  Env env = host_env();
  env["GRPC_VERBOSITY"] = "DEBUG";
  env["GRPC_TRACE"] = "api";
  env["TF_LOG"] = "trace";
  auto child = start(env);
  Handshake h = read_handshake(*child);
  auto channel = tls_channel(h, &host_cert_);
  EXPECT_TRUE(health_check(channel, "plugin", nullptr).ok());
  EXPECT_TRUE(shutdown(channel).ok());
  EXPECT_EQ(child->wait_exit(2s), 0);
  EXPECT_EQ(child->read_stdout_all(1s), "");
  std::string err = child->read_stderr_all(1s);
  int grpc_lines = 0;
  size_t start = 0, nl;
  while ((nl = err.find('\n', start)) != std::string::npos) {
    std::string line = err.substr(start, nl - start);
    start = nl + 1;
    auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(parsed.is_discarded()) << "not an hclog JSON line: " << line;
    ASSERT_TRUE(parsed.contains("@level") && parsed.contains("@message")) << line;
    if (parsed.value("subsystem", "") == "grpc") ++grpc_lines;
  }
  EXPECT_GT(grpc_lines, 0) << err.substr(0, 2000);
}

TEST_F(ServeProcess, SigintIsIgnoredAndSigtermStopsCleanly) {
  auto child = start(host_env());
  Handshake h = read_handshake(*child);
  child->signal(SIGINT);
  EXPECT_FALSE(child->wait_exit(300ms)) << "SIGINT ended the plugin";
  int status = 0;
  EXPECT_TRUE(health_check(tls_channel(h, &host_cert_), "plugin", &status).ok());
  EXPECT_EQ(status, 1);
  child->signal(SIGTERM);
  EXPECT_EQ(child->wait_exit(2s), 0);
  EXPECT_FALSE(std::filesystem::exists(h.address));
}

TEST_F(ServeProcess, ForcedTcpHonoursPortRange) {
  // Hold the first port of a range so the plugin must take a later one.
  int held = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(held, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(held, reinterpret_cast<sockaddr*>(&a), &len);
  int first = ntohs(a.sin_port);

  Env env = host_env();
  env["SARGA_PLUGIN_FORCE_TCP"] = "1";
  env["PLUGIN_MIN_PORT"] = std::to_string(first);
  env["PLUGIN_MAX_PORT"] = std::to_string(first + 30);
  auto child = start(env);
  Handshake h = read_handshake(*child);
  ::close(held);
  ASSERT_EQ(h.network, "tcp");
  ASSERT_EQ(h.address.rfind("127.0.0.1:", 0), 0u) << h.address;
  int port = std::stoi(h.address.substr(10));
  EXPECT_GT(port, first);
  EXPECT_LE(port, first + 30);
  int status = 0;
  grpc::Status s = health_check(tls_channel(h, &host_cert_), "plugin", &status);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(status, 1);
  EXPECT_TRUE(shutdown(tls_channel(h, &host_cert_)).ok());
  EXPECT_EQ(child->wait_exit(2s), 0);
}

TEST_F(ServeProcess, UnusableSocketDirFallsBackToTcp) {
  Env env = host_env();
  env["PLUGIN_UNIX_SOCKET_DIR"] = dir_ + "/missing";
  auto child = start(env);
  Handshake h = read_handshake(*child);
  EXPECT_EQ(h.network, "tcp");
  int status = 0;
  EXPECT_TRUE(health_check(tls_channel(h, &host_cert_), "plugin", &status).ok());
  EXPECT_EQ(status, 1);
}

TEST_F(ServeProcess, WithoutClientCertServesPlaintextWithEmptyCertField) {
  auto child = start(host_env(/*tls=*/false));
  auto line = child->read_stdout_line(10s);
  ASSERT_TRUE(line);
  ASSERT_EQ(line->back(), '|') << *line;
  Handshake h;
  h.fields = split(*line, '|');
  ASSERT_EQ(h.fields.size(), 6u);
  h.network = h.fields[2];
  h.address = h.fields[3];
  int status = 0;
  EXPECT_TRUE(health_check(plain_channel(target_of(h)), "plugin", &status).ok());
  EXPECT_EQ(status, 1);
}

TEST_F(ServeProcess, AcceptsMessagesAboveFourMebibytes) {
  auto child = start(host_env());
  Handshake h = read_handshake(*child);
  // A 5 MiB request (an Empty carrying an unknown field) to StreamStdio: gRPC's default
  // 4 MiB limit would answer RESOURCE_EXHAUSTED before the handler runs.
  google::protobuf::Empty big;
  big.GetReflection()->MutableUnknownFields(&big)->AddLengthDelimited(1000, std::string(5 << 20, 'x'));
  auto stub = ::plugin::GRPCStdio::NewStub(tls_channel(h, &host_cert_));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 10s);
  auto reader = stub->StreamStdio(&ctx, big);
  ::plugin::StdioData data;
  int messages = 0;
  while (reader->Read(&data)) ++messages;
  grpc::Status s = reader->Finish();
  EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  EXPECT_EQ(messages, 0);  // the stdio stub is an empty stream
}

TEST_F(ServeProcess, DebugPrintsReattachThatAnswersHealthAndStopsOnSigint) {
  Env env{{"PLUGIN_UNIX_SOCKET_DIR", dir_}};  // no cookie, no protocol list: run by a person
  auto child = start(env, {"-debug"});
  std::optional<std::string> line;
  const std::string prefix = "TF_REATTACH_PROVIDERS='";
  while ((line = child->read_stdout_line(10s))) {
    if (line->rfind(prefix, 0) == 0) break;
  }
  ASSERT_TRUE(line) << "no TF_REATTACH_PROVIDERS line; stderr: " << child->read_stderr_all(100ms);
  ASSERT_EQ(line->back(), '\'');
  auto json = nlohmann::json::parse(line->substr(prefix.size(), line->size() - prefix.size() - 1));
  const auto& entry = json.at("registry.opentofu.org/sarga/plugintest");
  EXPECT_EQ(entry.at("Protocol"), "grpc");
  EXPECT_EQ(entry.at("ProtocolVersion"), 6);
  EXPECT_EQ(entry.at("Test"), true);
  EXPECT_EQ(entry.at("Pid"), child->pid());
  ASSERT_EQ(entry.at("Addr").at("Network"), "unix");
  std::string path = entry.at("Addr").at("String");
  int status = 0;
  grpc::Status s = health_check(plain_channel("unix:" + path), "plugin", &status);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(status, 1);
  child->signal(SIGINT);
  EXPECT_EQ(child->wait_exit(2s), 0);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace sarga::plugin
