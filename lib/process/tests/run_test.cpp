#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>

#include "lib/process/process.h"

namespace sarga::process {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name, const std::string& text) {
  fs::path p = fs::path(::testing::TempDir()) / ("sarga-process-" + name);
  std::ofstream(p) << text;
  return p;
}

TEST(Run, ReturnsStdoutAndStderrSeparately) {
  Result r = run({"sh", "-c", "echo out; echo err >&2"});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.exit_code(), 0);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(Run, CombinedOutputKeepsTheOrder) {
  Result r = run({"sh", "-c", "echo one; echo two >&2; echo three"}, {.combine_output = true});
  EXPECT_EQ(r.out, "one\ntwo\nthree\n");
  EXPECT_EQ(r.err, "");
}

TEST(Run, NonZeroExitThrowsWithTheStderrTail) {
  try {
    run({"sh", "-c", "echo out; echo first >&2; echo 'the real reason' >&2; exit 3"});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "sh failed (exit 3): first\nthe real reason");
    EXPECT_EQ(e.program(), "sh");
  }
}

TEST(Run, StdoutIsTheDetailWhenStderrIsEmpty) {
  try {
    run({"sh", "-c", "echo only stdout; exit 1"});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "sh failed (exit 1): only stdout");
  }
}

TEST(Run, LongStderrIsCutToItsEnd) {
  try {
    run({"sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line $i >&2; i=$((i+1)); done; exit 2"});
    FAIL() << "no exception";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind("sh failed (exit 2): ...", 0), 0u) << m.substr(0, 80);
    EXPECT_NE(m.find("line 2999"), std::string::npos);
    EXPECT_EQ(m.find("line 0\n"), std::string::npos);
    EXPECT_LT(m.size(), 2100u);
  }
}

TEST(Run, NoCheckReturnsTheStatus) {
  Result r = run({"sh", "-c", "echo why >&2; exit 7"}, {.check = false});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.exit_code(), 7);
  EXPECT_EQ(describe_status(r.wait_status), "exit status 7");
  EXPECT_EQ(r.err, "why\n");
}

TEST(Run, KilledBySignal) {
  try {
    run({"sh", "-c", "kill -9 $$"});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "sh failed (signal 9)");
  }
  Result r = run({"sh", "-c", "kill -TERM $$"}, {.check = false});
  EXPECT_EQ(r.exit_code(), 128 + SIGTERM);
  EXPECT_EQ(describe_status(r.wait_status), "signal 15");
}

TEST(Run, MissingProgramIsNamed) {
  try {
    run({"no-such-tool-sarga", "--help"});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.program(), "no-such-tool-sarga");
    EXPECT_EQ(std::string(e.what()).rfind("no-such-tool-sarga not found in PATH", 0), 0u) << e.what();
  }
}

TEST(Run, UnexecutableProgramIsNamed) {
  fs::path bad = temp_file("not-a-program", "\x7f" "garbage without a shebang");
  fs::permissions(bad, fs::perms::owner_all);
  try {
    run({bad.string()});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot execute " + bad.string() + ": Exec format error");
  }
}

TEST(Run, StdinFromAFile) {
  fs::path in = temp_file("stdin", "label: gpt\nsecond line\n");
  EXPECT_EQ(run({"cat"}, {.stdin_file = in}).out, "label: gpt\nsecond line\n");
  EXPECT_EQ(run({"cat"}).out, "");  // /dev/null by default, never our terminal
  EXPECT_THROW(run({"cat"}, {.stdin_file = "/nonexistent/sarga-stdin"}), Error);
}

TEST(Run, EnvironmentIsOursPlusOverrides) {
  ::setenv("SARGA_PROCESS_INHERITED", "kept", 1);
  ::setenv("LC_ALL", "de_DE.UTF-8", 1);
  Result r = run({"sh", "-c", "printf '%s|%s|%s' \"$X\" \"$SARGA_PROCESS_INHERITED\" \"$LC_ALL\""},
                 {.env = {{"X", "a b"}}});
  EXPECT_EQ(r.out, "a b|kept|C");
  EXPECT_EQ(run({"sh", "-c", "printf %s \"$LC_ALL\""}, {.env = {{"LC_ALL", "C.UTF-8"}}}).out, "C.UTF-8");
  ::unsetenv("SARGA_PROCESS_INHERITED");
  ::unsetenv("LC_ALL");
}

TEST(Run, LinesAreStreamedAsTheyArrive) {
  std::vector<std::string> lines;
  Result r = run({"sh", "-c", "echo one; echo two >&2; printf 'three\\nlast without newline'"},
                 {.combine_output = true, .on_line = [&](const std::string& l) { lines.push_back(l); }});
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three", "last without newline"}));
  EXPECT_EQ(r.out, "one\ntwo\nthree\nlast without newline");
}

TEST(Run, StreamedOutputStillEndsUpInTheError) {
  // mmdebstrap's output goes to the build log line by line; its failure still says why.
  std::vector<std::string> lines;
  try {
    run({"sh", "-c", "echo working; echo 'E: no such suite' >&2; exit 1"},
        {.combine_output = true, .on_line = [&](const std::string& l) { lines.push_back(l); }});
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "sh failed (exit 1): working\nE: no such suite");
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"working", "E: no such suite"}));
}

TEST(Run, AThrowingLineCallbackStopsTheProgram) {
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(run({"sh", "-c", "echo hi; exec sleep 30"},
                   {.on_line = [](const std::string&) { throw std::runtime_error("stop"); }}),
               std::runtime_error);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
}

TEST(FindProgram, LooksInPathThenSbin) {
  std::string old = std::getenv("PATH");
  ::setenv("PATH", "/usr/bin:/bin", 1);
  auto sfdisk = find_program("sfdisk");  // /usr/sbin, installed for the disk image
  ::setenv("PATH", old.c_str(), 1);
  ASSERT_TRUE(sfdisk);
  EXPECT_EQ(sfdisk->parent_path().filename(), "sbin");
  EXPECT_FALSE(find_program("no-such-tool-sarga"));
  EXPECT_FALSE(find_program(""));
  EXPECT_EQ(find_program("./relative/tool"), fs::path("./relative/tool"));
}

}  // namespace
}  // namespace sarga::process
