#include "lib/http/http.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include "lib/http/tests/test_server.h"

using namespace sarga::http;
using sarga::testing::TlsServer;

namespace {

ClientOptions fast(const std::string& url) {
  ClientOptions o;
  o.base_url = url;
  o.backoff_base = std::chrono::milliseconds(5);
  o.backoff_max = std::chrono::milliseconds(20);
  o.timeout = std::chrono::milliseconds(5000);
  return o;
}

TEST(Http, VerifiesTlsByDefault) {
  TlsServer s;
  s.http().Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("fine", "text/plain"); });
  s.start();
  Client c(fast(s.url()));
  try {
    c.send({});
    FAIL() << "self-signed certificate was accepted without a CA";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::tls) << e.what();
  }
}

TEST(Http, CaFileMakesItTrusted) {
  TlsServer s;
  s.http().Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("fine", "text/plain"); });
  s.start();
  auto o = fast(s.url());
  o.tls.ca_file = s.cert().cert_file;
  Request req;
  req.path = "/ok";
  auto r = Client(o).send(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "fine");
}

TEST(Http, FingerprintPinAcceptsMatchAndRejectsOther) {
  TlsServer s;
  s.http().Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("pinned", "text/plain"); });
  s.start();
  auto o = fast(s.url());
  o.tls.pinned_sha256 = s.cert().fingerprint;
  Request req;
  req.path = "/ok";
  EXPECT_EQ(Client(o).send(req).body, "pinned");
  std::string lower = s.cert().fingerprint;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(ch));
  o.tls.pinned_sha256 = lower;
  EXPECT_EQ(Client(o).send(req).status, 200);  // case and colons do not matter
  o.tls.pinned_sha256 = std::string(95, 'A');
  for (size_t i = 2; i < o.tls.pinned_sha256.size(); i += 3) o.tls.pinned_sha256[i] = ':';
  try {
    Client(o).send(req);
    FAIL() << "wrong pin accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::tls);
    EXPECT_NE(std::string(e.what()).find("pinned"), std::string::npos) << e.what();
  }
  o.tls.pinned_sha256 = "AA:BB";
  EXPECT_THROW(Client{o}, Error);
}

TEST(Http, InsecureIsExplicit) {
  TlsServer s;
  s.http().Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("x", "text/plain"); });
  s.start();
  auto o = fast(s.url());
  o.tls.insecure = true;
  Request req;
  req.path = "/ok";
  EXPECT_EQ(Client(o).send(req).status, 200);
}

TEST(Http, RetriesIdempotentCallsOn503Only) {
  TlsServer s;
  std::atomic<int> gets{0}, posts{0};
  s.http().Get("/flaky", [&](const httplib::Request&, httplib::Response& r) {
    r.status = ++gets < 3 ? 503 : 200;
  });
  s.http().Post("/flaky", [&](const httplib::Request&, httplib::Response& r) {
    ++posts;
    r.status = 503;
  });
  s.start();
  auto o = fast(s.url());
  o.tls.insecure = true;
  Request get;
  get.path = "/flaky";
  auto r = Client(o).send(get);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 3);
  Request post;
  post.method = "POST";
  post.path = "/flaky";
  EXPECT_EQ(Client(o).send(post).status, 503);
  EXPECT_EQ(posts.load(), 1);  // never repeated: it may have had an effect
}

TEST(Http, ReasonPhraseAndHeadersCaptured) {
  TlsServer s;
  s.http().Get("/err", [](const httplib::Request&, httplib::Response& r) {
    r.status = 500;
    r.set_header("X-Thing", "yes");
  });
  s.start();
  auto o = fast(s.url());
  o.tls.insecure = true;
  o.max_retries = 0;
  Request req;
  req.path = "/err";
  auto r = Client(o).send(req);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.reason, "Internal Server Error");
  EXPECT_EQ(r.headers["x-thing"], "yes");
}

TEST(Http, CancellationStopsARequest) {
  TlsServer s;
  s.http().Get("/slow", [](const httplib::Request&, httplib::Response& r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    r.set_content("late", "text/plain");
  });
  s.start();
  std::atomic<bool> cancel{false};
  auto o = fast(s.url());
  o.tls.insecure = true;
  o.cancel = &cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  auto start = std::chrono::steady_clock::now();
  Request req;
  req.path = "/slow";
  try {
    Client(o).send(req);
    ADD_FAILURE() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::cancelled);
  }
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1400));
}

TEST(Http, TimeoutIsReported) {
  TlsServer s;
  s.http().Get("/slow", [](const httplib::Request&, httplib::Response& r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    r.set_content("late", "text/plain");
  });
  s.start();
  auto o = fast(s.url());
  o.tls.insecure = true;
  o.timeout = std::chrono::milliseconds(200);
  o.max_retries = 0;
  Request req;
  req.path = "/slow";
  try {
    Client(o).send(req);
    ADD_FAILURE() << "no timeout";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::timeout) << e.what();
  }
}

TEST(Http, MultipartStreamsAFile) {
  TlsServer s;
  std::string got_file, got_field, got_name;
  s.http().Post("/upload", [&](const httplib::Request& req, httplib::Response& r) {
    got_file = req.get_file_value("filename").content;
    got_name = req.get_file_value("filename").filename;
    got_field = req.get_file_value("content").content;
    r.set_content("{}", "application/json");
  });
  s.start();
  auto path = s.dir() / "payload.bin";
  std::string payload(300000, 'z');
  std::ofstream(path, std::ios::binary) << payload;
  auto o = fast(s.url());
  o.tls.insecure = true;
  Request req;
  req.method = "POST";
  req.path = "/upload";
  req.multipart = {{"content", "vztmpl", "", "", ""}, {"filename", "", path.string(), "t.tar.zst", ""}};
  EXPECT_EQ(Client(o).send(req).status, 200);
  EXPECT_EQ(got_field, "vztmpl");
  EXPECT_EQ(got_name, "t.tar.zst");
  EXPECT_EQ(got_file, payload);
}

TEST(Http, SecretsAreRedactedFromErrors) {
  auto o = fast("https://127.0.0.1:1/secret-token-value");
  o.secrets = {"secret-token-value"};
  o.max_retries = 0;
  o.connect_timeout = std::chrono::milliseconds(500);
  try {
    Client(o).send({});
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find("secret-token-value"), std::string::npos) << m;
    EXPECT_NE(m.find("[REDACTED]"), std::string::npos) << m;
    EXPECT_EQ(e.kind(), Error::Kind::transport);
  }
}

TEST(Http, Encoding) {
  EXPECT_EQ(url_encode("root@pam!t=x y/z"), "root%40pam%21t%3Dx%20y%2Fz");
  EXPECT_EQ(form_encode({{"a", "1"}, {"b c", "d&e"}}), "a=1&b%20c=d%26e");
  EXPECT_EQ(normalise_fingerprint(std::string(32, 'a') + std::string(32, 'B')), std::string(32, 'a') + std::string(32, 'b'));
  EXPECT_EQ(normalise_fingerprint("zz"), "");
}

}  // namespace
