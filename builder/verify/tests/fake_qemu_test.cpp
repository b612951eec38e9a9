// qemu_verify()'s reading of a boot, with a stand-in qemu-system-x86_64 first on PATH that
// writes what a guest would print (the nonce it takes from the seed) and then idles like qemu.
#include "builder/verify/qemu_verify.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace sarga::verify {
namespace {

namespace fs = std::filesystem;

const char* kFakeQemu = R"(#!/bin/sh
for a; do
  case "$a" in
    file,id=console0,path=*) console=${a#file,id=console0,path=} ;;
    file=*seed.iso*) seed=${a#file=}; seed=${seed%%,*} ;;
  esac
done
nonce=$(grep -ao 'SARGA-VERIFY [0-9a-f]\{16\}' "$seed" | head -n 1 | cut -d' ' -f2)
say() { printf '%s\r\n' "$*" >> "$console"; }
say "BdsDxe: loading Boot0001"
case "$FAKE_QEMU_MODE" in
  pass)
    say "SARGA-VERIFY $nonce command 1 start"
    say "SARGA-VERIFY $nonce command 1 exit 0"
    say "[   51.2] cloud-init[612]: SARGA-VERIFY $nonce finished after 51.20 s" ;;
  failing-command)
    say "SARGA-VERIFY $nonce command 1 exit 0"
    say "grep: /etc/nothing: No such file or directory"
    say "SARGA-VERIFY $nonce command 2 exit 2" ;;
  silent-command)
    say "SARGA-VERIFY $nonce finished after 51.20 s" ;;
  old-nonce)
    say "SARGA-VERIFY 0000000000000000 finished after 51.20 s" ;;
  finished-then-exit)
    say "SARGA-VERIFY $nonce finished after 51.20 s"
    exit 0 ;;
  crash)
    echo "qemu-system-x86_64: guest crashed" >&2
    exit 3 ;;
esac
exec sleep 30
)";

class FakeQemu : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("fake-qemu-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "bin");
    std::ofstream(dir_ / "bin" / "qemu-system-x86_64") << kFakeQemu;
    fs::permissions(dir_ / "bin" / "qemu-system-x86_64", fs::perms::owner_all);
    old_path_ = std::getenv("PATH");
    ::setenv("PATH", ((dir_ / "bin").string() + ":" + old_path_).c_str(), 1);
    image_ = dir_ / "disk.qcow2";
    std::string out = "qemu-img create -q -f qcow2 " + image_.string() + " 16M";
    ASSERT_EQ(std::system(out.c_str()), 0);
    ctx_.work_dir = dir_ / "work";
    ctx_.console_log_keep = dir_ / "out" / "disk.qcow2.console.log";
    settings_.accelerator = tmpl::Accelerator::tcg;
    settings_.agent = false;
    settings_.timeout_seconds = 3;
  }
  void TearDown() override {
    ::setenv("PATH", old_path_.c_str(), 1);
    ::unsetenv("FAKE_QEMU_MODE");
    fs::remove_all(dir_);
  }

  std::string failure(const char* mode) {
    ::setenv("FAKE_QEMU_MODE", mode, 1);
    try {
      qemu_verify(image_, tmpl::ImageFormat::qcow2, settings_, ctx_);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "(no error)";
  }

  fs::path dir_, image_;
  std::string old_path_;
  VerifyContext ctx_;
  tmpl::QemuVerifySettings settings_;
};

TEST_F(FakeQemu, FinishedLinePassesWithCommandResults) {
  ::setenv("FAKE_QEMU_MODE", "pass", 1);
  settings_.inline_commands = {"findmnt -no OPTIONS /tmp | grep -q noexec"};
  VerifyResult r = qemu_verify(image_, tmpl::ImageFormat::qcow2, settings_, ctx_);
  EXPECT_EQ(r.accelerator, "tcg");
  EXPECT_GT(r.boot_seconds, 0);
  EXPECT_LT(r.boot_seconds, 3);
  EXPECT_FALSE(r.agent_answered);
  EXPECT_EQ(r.commands, nlohmann::json::parse(R"([{"command":"findmnt -no OPTIONS /tmp | grep -q noexec","exit_code":0}])"));
  EXPECT_FALSE(fs::exists(ctx_.console_log_keep));  // kept only on failure
}

TEST_F(FakeQemu, FailingCommandIsNamedWithItsExitCode) {
  settings_.inline_commands = {"true", "grep -q x /etc/nothing"};
  settings_.timeout_seconds = 30;
  auto t0 = std::chrono::steady_clock::now();
  std::string e = failure("failing-command");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));  // no wait for the timeout
  EXPECT_EQ(e.rfind("qemu-verify: inline command 2 `grep -q x /etc/nothing` exited 2\n", 0), 0u) << e;
  EXPECT_NE(e.find("\n  | grep: /etc/nothing: No such file or directory\n"), std::string::npos) << e;
  EXPECT_NE(e.find("console log: " + ctx_.console_log_keep.string()), std::string::npos) << e;
  std::ifstream kept(ctx_.console_log_keep);
  std::string text((std::istreambuf_iterator<char>(kept)), {});
  EXPECT_NE(text.find("command 2 exit 2"), std::string::npos);
}

TEST_F(FakeQemu, FinishedWithoutACommandReportFails) {
  settings_.inline_commands = {"true"};
  std::string e = failure("silent-command");
  EXPECT_EQ(e.rfind("qemu-verify: cloud-init finished but inline command 1 `true` never reported its exit code", 0), 0u)
      << e;
}

TEST_F(FakeQemu, LinesOfAnotherRunDoNotCount) {
  std::string e = failure("old-nonce");
  EXPECT_EQ(e.rfind("qemu-verify: timed out after 3 s", 0), 0u) << e;
  EXPECT_NE(e.find("  | SARGA-VERIFY 0000000000000000 finished after 51.20 s"), std::string::npos) << e;
}

TEST_F(FakeQemu, FinishedLineBeforeQemuExitsStillCounts) {
  ::setenv("FAKE_QEMU_MODE", "finished-then-exit", 1);
  EXPECT_NO_THROW(qemu_verify(image_, tmpl::ImageFormat::qcow2, settings_, ctx_));
}

TEST_F(FakeQemu, QemuExitIsReportedWithItsStderr) {
  std::string e = failure("crash");
  EXPECT_EQ(e.rfind("qemu-verify: qemu exited with exit status 3 before the guest finished cloud-init; qemu said:\n"
                    "  qemu-system-x86_64: guest crashed\n", 0), 0u) << e;
  EXPECT_NE(e.find("  | BdsDxe: loading Boot0001"), std::string::npos) << e;
}

}  // namespace
}  // namespace sarga::verify
