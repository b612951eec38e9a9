// The proxmox post-processor against a small in-memory PVE storage (cpp-httplib, TLS).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <mutex>

#include "builder/publish/publish.h"
#include "lib/artifact/hash.h"
#include "lib/http/tests/test_server.h"

using sarga::testing::TlsServer;

namespace {

const char* kToken = "root@pam!sarga=11111111-2222-3333-4444-555555555555";
const char* kUpid = "UPID:pve1:00000001:00000002:00000003:imgcopy::root@pam!sarga:";

struct FakePve {
  TlsServer s;
  std::mutex m;
  struct Vol {
    std::uint64_t size;
    std::int64_t ctime;
  };
  std::map<std::string, Vol> vols;  // volid -> size/ctime
  int uploads = 0, deletes = 0;
  std::string last_checksum, last_algo, last_auth;
  FakePve() {
    s.http().Get("/api2/json/nodes/pve1/storage/local/content", [this](const httplib::Request& req, httplib::Response& r) {
      std::lock_guard<std::mutex> l(m);
      last_auth = req.get_header_value("Authorization");
      nlohmann::json data = nlohmann::json::array();
      for (const auto& [id, v] : vols) data.push_back({{"volid", id}, {"content", "vztmpl"}, {"size", v.size}, {"ctime", v.ctime}});
      r.set_content(nlohmann::json{{"data", data}}.dump(), "application/json");
    });
    s.http().Post("/api2/json/nodes/pve1/storage/local/upload", [this](const httplib::Request& req, httplib::Response& r) {
      std::lock_guard<std::mutex> l(m);
      auto f = req.get_file_value("filename");
      last_checksum = req.get_file_value("checksum").content;
      last_algo = req.get_file_value("checksum-algorithm").content;
      if (sarga::artifact::sha256_hex(f.content) != last_checksum) {
        r.status = 500;
        return;
      }
      vols["local:vztmpl/" + f.filename] = {f.content.size(), 2000000000 + uploads};
      ++uploads;
      r.set_content(nlohmann::json{{"data", kUpid}}.dump(), "application/json");
    });
    s.http().Get(R"(/api2/json/nodes/pve1/tasks/(.+)/status)", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(R"({"data":{"status":"stopped","exitstatus":"OK"}})", "application/json");
    });
    s.http().Delete(R"(/api2/json/nodes/pve1/storage/local/content/(.+))", [this](const httplib::Request& req, httplib::Response& r) {
      std::lock_guard<std::mutex> l(m);
      vols.erase(req.matches[1]);
      ++deletes;
      r.set_content(R"({"data":null})", "application/json");
    });
    s.start();
  }
  sarga::tmpl::ProxmoxSettings settings(int keep = 0) {
    sarga::tmpl::ProxmoxSettings p;
    p.endpoint = s.url();
    p.token = kToken;
    p.node = "pve1";
    p.storage = "local";
    p.keep = keep;
    p.fingerprint = s.cert().fingerprint;
    return p;
  }
};

std::filesystem::path make_archive(const std::filesystem::path& dir, const std::string& name, const std::string& data) {
  auto p = dir / name;
  std::ofstream(p, std::ios::binary) << data;
  return p;
}

TEST(Publish, UploadsWithChecksumThenSkipsSameContent) {
  FakePve pve;
  auto file = make_archive(pve.s.dir(), "debian-12-hardened_1.0_amd64.tar.zst", "archive-bytes");
  std::vector<std::string> log;
  sarga::publish::PublishContext ctx{[&](const std::string& l) { log.push_back(l); }, nullptr};
  auto sha = sarga::artifact::sha256_file(file);
  auto r = sarga::publish::publish_to_proxmox(pve.settings(), file, sha, ctx);
  EXPECT_TRUE(r["uploaded"].get<bool>());
  EXPECT_EQ(r["volid"], "local:vztmpl/debian-12-hardened_1.0_amd64.tar.zst");
  EXPECT_EQ(pve.last_checksum, sha);
  EXPECT_EQ(pve.last_algo, "sha256");
  EXPECT_EQ(pve.last_auth, std::string("PVEAPIToken=") + kToken);
  auto again = sarga::publish::publish_to_proxmox(pve.settings(), file, sha, ctx);
  EXPECT_FALSE(again["uploaded"].get<bool>());
  EXPECT_EQ(pve.uploads, 1);
  for (const auto& l : log) EXPECT_EQ(l.find("11111111-2222"), std::string::npos) << l;
}

TEST(Publish, ReplacesChangedContentAndKeepsNewest) {
  FakePve pve;
  pve.vols["local:vztmpl/debian-12-hardened_0.8_amd64.tar.zst"] = {10, 1000};
  pve.vols["local:vztmpl/debian-12-hardened_0.9_amd64.tar.zst"] = {10, 1100};
  pve.vols["local:vztmpl/debian-12-other_0.1_amd64.tar.zst"] = {10, 900};
  pve.vols["local:vztmpl/debian-12-hardened_1.0_amd64.tar.zst"] = {3, 1200};  // stale, different size
  auto file = make_archive(pve.s.dir(), "debian-12-hardened_1.0_amd64.tar.zst", "new-archive-bytes");
  auto r = sarga::publish::publish_to_proxmox(pve.settings(2), file, sarga::artifact::sha256_file(file), {});
  EXPECT_TRUE(r["uploaded"].get<bool>());
  EXPECT_EQ(pve.vols.count("local:vztmpl/debian-12-hardened_1.0_amd64.tar.zst"), 1u);
  EXPECT_EQ(pve.vols["local:vztmpl/debian-12-hardened_1.0_amd64.tar.zst"].size, 17u);
  EXPECT_EQ(pve.vols.count("local:vztmpl/debian-12-hardened_0.9_amd64.tar.zst"), 1u);
  EXPECT_EQ(pve.vols.count("local:vztmpl/debian-12-hardened_0.8_amd64.tar.zst"), 0u);
  EXPECT_EQ(pve.vols.count("local:vztmpl/debian-12-other_0.1_amd64.tar.zst"), 1u);  // other template untouched
  ASSERT_EQ(r["deleted"].size(), 1u);
  EXPECT_EQ(r["deleted"][0], "local:vztmpl/debian-12-hardened_0.8_amd64.tar.zst");
}

TEST(Publish, WrongFingerprintNeverSendsTheToken) {
  FakePve pve;
  auto file = make_archive(pve.s.dir(), "x_1_amd64.tar.zst", "x");
  auto settings = pve.settings();
  settings.fingerprint = std::string(64, 'a');
  try {
    sarga::publish::publish_to_proxmox(settings, file, "00", {});
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("pinned"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("11111111"), std::string::npos);
  }
  EXPECT_TRUE(pve.last_auth.empty());
}

TEST(Publish, MissingSettingsAreNamed) {
  sarga::tmpl::ProxmoxSettings p;
  p.endpoint = "https://127.0.0.1:1";
  p.token = kToken;
  p.storage = "local";
  try {
    sarga::publish::publish_to_proxmox(p, "/nonexistent", "00", {});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "proxmox: node is required");
  }
  EXPECT_EQ(sarga::publish::template_family("debian-12-hardened_1.0_amd64.tar.zst"), "debian-12-hardened");
}

}  // namespace
