// hclog-compatible lines: checked by capturing fd 2 through a pipe.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <regex>
#include <thread>
#include <vector>

#include "lib/log/log.h"

namespace sarga::log {
namespace {

// Redirects fd 2 into a pipe for the lifetime of the object; a thread drains the pipe so
// writers never block on a full pipe.
class StderrCapture {
 public:
  StderrCapture() {
    EXPECT_EQ(::pipe(pipe_), 0);
    saved_ = ::dup(2);
    ::dup2(pipe_[1], 2);
    ::close(pipe_[1]);
    reader_ = std::thread([this] {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(pipe_[0], buf, sizeof buf)) > 0) text_.append(buf, static_cast<size_t>(n));
    });
  }
  std::string finish() {
    ::dup2(saved_, 2);  // closes the last write end: the reader sees EOF
    ::close(saved_);
    reader_.join();
    ::close(pipe_[0]);
    return text_;
  }

 private:
  int pipe_[2];
  int saved_;
  std::thread reader_;
  std::string text_;
};

std::vector<nlohmann::json> lines_of(const std::string& text) {
  std::vector<nlohmann::json> out;
  size_t start = 0, nl;
  while ((nl = text.find('\n', start)) != std::string::npos) {
    out.push_back(nlohmann::json::parse(text.substr(start, nl - start)));
    start = nl + 1;
  }
  EXPECT_EQ(start, text.size()) << "last line lacks a newline";
  return out;
}

TEST(Log, WritesHclogJsonLine) {
  set_min_level(Level::Trace);
  StderrCapture cap;
  info("created seed", {{"path", "/tmp/x.iso"}, {"size", 1234}});
  auto lines = lines_of(cap.finish());
  ASSERT_EQ(lines.size(), 1u);
  const auto& l = lines[0];
  EXPECT_EQ(l.at("@level"), "info");
  EXPECT_EQ(l.at("@message"), "created seed");
  EXPECT_EQ(l.at("@module"), "sarga");
  EXPECT_EQ(l.at("path"), "/tmp/x.iso");
  EXPECT_EQ(l.at("size"), 1234);
  // go-hclog layout 2006-01-02T15:04:05.000000Z07:00
  std::regex layout(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d))");
  EXPECT_TRUE(std::regex_match(l.at("@timestamp").get<std::string>(), layout)) << l.dump();
}

TEST(Log, LevelNamesAndFiltering) {
  set_min_level(Level::Warn);
  StderrCapture cap;
  trace("t");
  debug("d");
  info("i");
  warn("w");
  error("e");
  auto lines = lines_of(cap.finish());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("@level"), "warn");
  EXPECT_EQ(lines[1].at("@level"), "error");
  EXPECT_FALSE(enabled(Level::Info));
  EXPECT_TRUE(enabled(Level::Error));
}

TEST(Log, RedactsSecretsAtAnyDepth) {
  set_min_level(Level::Trace);
  StderrCapture cap;
  info("request", {{"api_token", "PVEAPIToken=root@pam!x=abc"},
                   {"body", {{"password", "hunter2"}, {"name", "vm1"}}},
                   {"list", {{{"client_secret", "s"}}}}});
  std::string text = cap.finish();
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_EQ(text.find("abc"), std::string::npos) << text;
  auto l = lines_of(text).at(0);
  EXPECT_EQ(l.at("api_token"), "[REDACTED]");
  EXPECT_EQ(l.at("body").at("password"), "[REDACTED]");
  EXPECT_EQ(l.at("body").at("name"), "vm1");
  EXPECT_EQ(l.at("list").at(0).at("client_secret"), "[REDACTED]");
}

TEST(Log, SecretKeyDetection) {
  EXPECT_TRUE(is_secret_key("Authorization"));
  EXPECT_TRUE(is_secret_key("PVEAuthCookie"));
  EXPECT_TRUE(is_secret_key("CSRFPreventionToken"));
  EXPECT_TRUE(is_secret_key("private_key_pem"));
  EXPECT_FALSE(is_secret_key("hostname"));
  EXPECT_FALSE(is_secret_key("vmid"));
}

TEST(Log, ParsesHclogLevelNames) {
  Level l;
  EXPECT_TRUE(parse_level("TRACE", l));
  EXPECT_EQ(l, Level::Trace);
  EXPECT_TRUE(parse_level("Debug", l));
  EXPECT_EQ(l, Level::Debug);
  EXPECT_TRUE(parse_level("warn", l));
  EXPECT_EQ(l, Level::Warn);
  EXPECT_TRUE(parse_level("JSON", l));
  EXPECT_EQ(l, Level::Trace);
  EXPECT_FALSE(parse_level("off", l));
  EXPECT_FALSE(parse_level("loud", l));
}

TEST(Log, ConcurrentWritersNeverInterleave) {
  set_min_level(Level::Trace);
  StderrCapture cap;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 50; ++i) info("m", {{"thread", t}, {"i", i}, {"pad", std::string(200, 'x')}});
    });
  }
  for (auto& th : threads) th.join();
  auto lines = lines_of(cap.finish());  // each line must parse on its own
  EXPECT_EQ(lines.size(), 200u);
}

TEST(Log, InvalidUtf8DoesNotThrow) {
  set_min_level(Level::Trace);
  StderrCapture cap;
  EXPECT_NO_THROW(info(std::string("bad \xff byte")));
  EXPECT_EQ(lines_of(cap.finish()).size(), 1u);
}

}  // namespace
}  // namespace sarga::log
