#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>

#include "lib/http/tests/test_server.h"
#include "lib/pve/client.h"

using namespace sarga::pve;
using sarga::testing::TlsServer;

namespace {

const char* kToken = "root@pam!sarga=0b1c2d3e-aaaa-bbbb-cccc-1234567890ab";
const char* kUpid = "UPID:pve1:00010D94:001CA6EA:6124E1B9:vzdump:100:root@pam!sarga:";

ClientOptions options(const TlsServer& s) {
  ClientOptions o;
  o.endpoint = s.url();
  o.token = kToken;
  o.tls.pinned_sha256 = s.cert().fingerprint;
  o.timeout = std::chrono::milliseconds(5000);
  o.keep_alive = false;  // the test servers wait for idle keep-alive connections when stopping
  return o;
}

WaitOptions quick() {
  WaitOptions w;
  w.first_poll = std::chrono::milliseconds(5);
  w.max_poll = std::chrono::milliseconds(20);
  w.timeout = std::chrono::milliseconds(3000);
  return w;
}

TEST(Upid, ParsesPveFormat) {
  auto u = parse_upid(kUpid);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->node, "pve1");
  EXPECT_EQ(u->pid, 0x10D94u);
  EXPECT_EQ(u->starttime, 0x6124E1B9u);
  EXPECT_EQ(u->type, "vzdump");
  EXPECT_EQ(u->id, "100");
  EXPECT_EQ(u->user, "root@pam!sarga");
  EXPECT_TRUE(parse_upid("UPID:n:00000001:123456789:00000002:imgcopy::root@pam:"));  // 9-digit pstart, empty id
  EXPECT_FALSE(parse_upid("UPID:pve1:10D94:001CA6EA:6124E1B9:vzdump:100:root@pam:"));  // short pid
  EXPECT_FALSE(parse_upid("UPID:pve1:00010D94:001CA6EA:6124E1B9:vzdump:100:root@pam"));  // no trailing colon
  EXPECT_FALSE(parse_upid("UPID:-bad:00010D94:001CA6EA:6124E1B9:vzdump:100:root@pam:"));
  EXPECT_FALSE(parse_upid("hello"));
}

TEST(Token, ParseAndHeader) {
  auto t = ApiToken::parse(kToken);
  EXPECT_EQ(t.id, "root@pam!sarga");
  EXPECT_EQ(t.header(), std::string("PVEAPIToken=") + kToken);
  for (const char* bad : {"root@pam", "root@pam!id", "rootpam!id=x", "root@pam!id=", "@pam!id=x"}) {
    try {
      ApiToken::parse(bad);
      ADD_FAILURE() << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).find("=x"), std::string::npos);
    }
  }
}

TEST(Errors, MapsPveResponses) {
  auto e = make_error("PVE POST /nodes/n/qemu", 400, "Parameter verification failed.",
                      R"({"errors":{"vmid":"VM 218 already exists"},"data":null})");
  EXPECT_EQ(e.kind(), ErrorKind::already_exists);
  EXPECT_EQ(e.param_errors().at("vmid"), "VM 218 already exists");
  EXPECT_NE(std::string(e.what()).find("vmid: VM 218 already exists"), std::string::npos) << e.what();
  EXPECT_EQ(make_error("x", 400, "Parameter verification failed.", R"({"errors":{"content":"bad"}})").kind(),
            ErrorKind::bad_request);
  EXPECT_EQ(make_error("x", 500, "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout", "").kind(),
            ErrorKind::lock_timeout);
  EXPECT_EQ(make_error("x", 500, "Configuration file 'nodes/X/qemu-server/7.conf' does not exist", "").kind(),
            ErrorKind::not_found);
  EXPECT_EQ(make_error("x", 401, "authentication failure", "").kind(), ErrorKind::unauthorized);
  EXPECT_EQ(make_error("x", 403, "Permission check failed", "").kind(), ErrorKind::forbidden);
  EXPECT_EQ(make_error("x", 502, "Bad Gateway", "").kind(), ErrorKind::server);
}

TEST(Client, TokenHeaderEnvelopeAndFormEncoding) {
  TlsServer s;
  std::string auth, body, ctype;
  s.http().Get("/api2/json/version", [&](const httplib::Request& req, httplib::Response& r) {
    auth = req.get_header_value("Authorization");
    r.set_content(R"({"data":{"version":"9.1.2","release":"9.1","repoid":"abcdef12"}})", "application/json");
  });
  s.http().Post("/api2/json/nodes/pve1/thing", [&](const httplib::Request& req, httplib::Response& r) {
    body = req.body;
    ctype = req.get_header_value("Content-Type");
    r.set_content(R"({"data":null})", "application/json");
  });
  s.start();
  Client c(options(s));
  EXPECT_EQ(c.version()["release"], "9.1");
  EXPECT_EQ(auth, std::string("PVEAPIToken=") + kToken);
  c.post("/nodes/pve1/thing", {{"net0", "virtio,bridge=vmbr0,tag=20"}, {"name", "a b"}});
  EXPECT_EQ(body, "net0=virtio%2Cbridge%3Dvmbr0%2Ctag%3D20&name=a%20b");
  EXPECT_EQ(ctype, "application/x-www-form-urlencoded");
}

TEST(Client, ParameterErrorsSurface) {
  TlsServer s;
  s.http().Post("/api2/json/nodes/pve1/qemu", [&](const httplib::Request&, httplib::Response& r) {
    r.status = 400;
    r.set_content(R"({"errors":{"memory":"value must be at least 16"},"data":null})", "application/json");
  });
  s.start();
  Client c(options(s));
  try {
    c.post("/nodes/pve1/qemu", {{"memory", "1"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::bad_request);
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.param_errors().at("memory"), "value must be at least 16");
    EXPECT_EQ(std::string(e.what()).find("0b1c2d3e"), std::string::npos);
  }
}

struct TaskServer {
  TlsServer s;
  std::atomic<int> polls{0};
  std::string exitstatus = "OK";
  int early_400 = 2;   // the first polls fail as on a fresh task
  int running_for = 2;
  TaskServer() {
    s.http().Get(R"(/api2/json/nodes/pve1/tasks/([^/]+)/status)", [this](const httplib::Request&, httplib::Response& r) {
      int n = ++polls;
      if (n <= early_400) {
        r.status = 400;
        r.set_content(R"({"data":null})", "application/json");
        return;
      }
      bool running = n <= early_400 + running_for;
      nlohmann::json d = {{"status", running ? "running" : "stopped"}, {"upid", kUpid}};
      if (!running) d["exitstatus"] = exitstatus;
      r.set_content(nlohmann::json{{"data", d}}.dump(), "application/json");
    });
    s.http().Get(R"(/api2/json/nodes/pve1/tasks/([^/]+)/log)", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(R"({"data":[{"n":1,"t":"starting"},{"n":2,"t":"WARN: disk is slow"},{"n":3,"t":"TASK ERROR: boom"}]})",
                    "application/json");
    });
    s.start();
  }
};

TEST(Tasks, WaitsThroughEarly400sUntilOk) {
  TaskServer t;
  auto r = Client(options(t.s)).wait_task(kUpid, quick());
  EXPECT_EQ(r.exitstatus, "OK");
  EXPECT_EQ(t.polls.load(), 5);
}

TEST(Tasks, WarningsCountAsSuccess) {
  TaskServer t;
  t.exitstatus = "WARNINGS: 1";
  auto r = Client(options(t.s)).wait_task(kUpid, quick());
  EXPECT_EQ(r.warnings, 1);
  ASSERT_EQ(r.warning_lines.size(), 1u);
  EXPECT_EQ(r.warning_lines[0], "WARN: disk is slow");
}

TEST(Tasks, FailureCarriesExitStatusAndLog) {
  TaskServer t;
  t.exitstatus = "boom";
  try {
    Client(options(t.s)).wait_task(kUpid, quick());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::task_failed);
    EXPECT_NE(std::string(e.what()).find("boom"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("TASK ERROR: boom"), std::string::npos);
  }
}

TEST(Tasks, PersistentErrorsAreNotHidden) {
  TaskServer t;
  t.early_400 = 1000;
  auto w = quick();
  w.tolerate_400_for = std::chrono::milliseconds(100);
  try {
    Client(options(t.s)).wait_task(kUpid, w);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 400);
  }
}

TEST(Tasks, TimesOut) {
  TaskServer t;
  t.running_for = 100000;
  auto w = quick();
  w.timeout = std::chrono::milliseconds(150);
  try {
    Client(options(t.s)).wait_task(kUpid, w);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::timeout);
  }
}

TEST(Storage, ContentUploadDelete) {
  TlsServer s;
  std::string query, upload_content, upload_checksum, upload_algo, upload_name, upload_data, deleted;
  s.http().Get("/api2/json/nodes/pve1/storage/local/content", [&](const httplib::Request& req, httplib::Response& r) {
    query = req.get_param_value("content");
    r.set_content(R"({"data":[{"volid":"local:vztmpl/a_1_amd64.tar.zst","content":"vztmpl","format":"tzst","size":"1234","ctime":1700000000}]})",
                  "application/json");
  });
  s.http().Post("/api2/json/nodes/pve1/storage/local/upload", [&](const httplib::Request& req, httplib::Response& r) {
    upload_content = req.get_file_value("content").content;
    upload_checksum = req.get_file_value("checksum").content;
    upload_algo = req.get_file_value("checksum-algorithm").content;
    upload_name = req.get_file_value("filename").filename;
    upload_data = req.get_file_value("filename").content;
    r.set_content(nlohmann::json{{"data", kUpid}}.dump(), "application/json");
  });
  s.http().Delete(R"(/api2/json/nodes/pve1/storage/local/content/(.+))", [&](const httplib::Request& req, httplib::Response& r) {
    deleted = req.matches[1];
    r.set_content(R"({"data":null})", "application/json");
  });
  s.start();
  Client c(options(s));
  auto list = c.storage_content("pve1", "local", "vztmpl");
  EXPECT_EQ(query, "vztmpl");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].size, 1234u);  // numbers as strings are accepted
  EXPECT_EQ(list[0].ctime, 1700000000);
  auto file = s.dir() / "t.tar.zst";
  std::ofstream(file) << "payload";
  EXPECT_EQ(c.upload("pve1", "local", "vztmpl", file.string(), "t_1_amd64.tar.zst", "abc123", "sha256"), kUpid);
  EXPECT_EQ(upload_content, "vztmpl");
  EXPECT_EQ(upload_checksum, "abc123");
  EXPECT_EQ(upload_algo, "sha256");
  EXPECT_EQ(upload_name, "t_1_amd64.tar.zst");
  EXPECT_EQ(upload_data, "payload");
  EXPECT_FALSE(c.delete_volume("pve1", "local", "local:vztmpl/a_1_amd64.tar.zst").has_value());
  EXPECT_EQ(deleted, "local:vztmpl/a_1_amd64.tar.zst");  // sent encoded as one path segment
}

TEST(Client, RejectsBadSetup) {
  ClientOptions o;
  o.endpoint = "ftp://x";
  o.token = kToken;
  EXPECT_THROW(Client{o}, std::invalid_argument);
  o.endpoint = "https://127.0.0.1:1";
  o.token = "nope";
  EXPECT_THROW(Client{o}, std::invalid_argument);
}

}  // namespace
