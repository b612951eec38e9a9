// Connection reuse across requests and threads, pinning on reused connections, and
// per-request cancellation.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "lib/http/http.h"
#include "lib/http/tests/test_server.h"

using namespace sarga::http;
using sarga::testing::TlsServer;

namespace {

ClientOptions pinned(const TlsServer& s) {
  ClientOptions o;
  o.base_url = s.url();
  o.tls.pinned_sha256 = s.cert().fingerprint;
  o.timeout = std::chrono::milliseconds(5000);
  o.keep_alive = true;
  return o;
}

TEST(KeepAlive, RequestsFromManyThreadsShareAFewConnections) {
  TlsServer s;
  s.http().set_keep_alive_max_count(1000);
  s.http().set_keep_alive_timeout(1);  // the server lets idle connections go quickly at stop
  s.http().Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("ok", "text/plain"); });
  s.start();
  Client c(pinned(s));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      Request req;
      req.path = "/ok";
      for (int i = 0; i < 20; ++i)
        if (c.send(req).body == "ok") ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_GE(c.connections_opened(), 1);
  EXPECT_LE(c.connections_opened(), 8);

  // Without keep_alive every request opens its own connection.
  auto o = pinned(s);
  o.keep_alive = false;
  Client fresh(o);
  Request req;
  req.path = "/ok";
  for (int i = 0; i < 5; ++i) fresh.send(req);
  EXPECT_EQ(fresh.connections_opened(), 5);
}

TEST(KeepAlive, AnotherClientWithAWrongPinNeverReusesAVerifiedConnection) {
  TlsServer s;
  s.http().set_keep_alive_timeout(1);
  s.http().Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("ok", "text/plain"); });
  s.start();
  Client good(pinned(s));
  Request req;
  req.path = "/ok";
  EXPECT_EQ(good.send(req).body, "ok");
  auto o = pinned(s);
  std::string fp = o.tls.pinned_sha256;
  fp[0] = fp[0] == 'A' ? 'B' : 'A';
  o.tls.pinned_sha256 = fp;
  try {
    Client(o).send(req);
    FAIL() << "a wrong pin was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::tls) << e.what();
  }
  EXPECT_EQ(good.send(req).body, "ok");  // the verified pool still works
}

TEST(KeepAlive, PerRequestCancellation) {
  TlsServer s;
  s.http().set_keep_alive_timeout(1);
  s.http().Get("/slow", [](const httplib::Request&, httplib::Response& r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(3000));
    r.set_content("late", "text/plain");
  });
  s.http().Get("/ok", [](const httplib::Request&, httplib::Response& r) { r.set_content("ok", "text/plain"); });
  s.start();
  Client c(pinned(s));
  std::atomic<bool> stop{false};
  Request slow;
  slow.path = "/slow";
  slow.cancelled = [&] { return stop.load(); };
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
  });
  auto start = std::chrono::steady_clock::now();
  try {
    c.send(slow);
    ADD_FAILURE() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::cancelled);
  }
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
  Request ok;
  ok.path = "/ok";
  EXPECT_EQ(c.send(ok).body, "ok");  // other requests of the same client are unaffected
}

}  // namespace
