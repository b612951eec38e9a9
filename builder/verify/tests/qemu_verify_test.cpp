// qemu_verify() end to end with the real qemu, on boots that fail fast in a known way. The
// successful boot of a built image is the acceptance test's job (it takes a minute or more).
#include "builder/verify/qemu_verify.h"

#include <gtest/gtest.h>

#include <fstream>

namespace sarga::verify {
namespace {

namespace fs = std::filesystem;

class QemuVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("qemu-verify-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    image_ = dir_ / "blank.raw";
    std::ofstream(image_, std::ios::binary).close();
    fs::resize_file(image_, 16 << 20);  // an empty GPT-less disk: OVMF finds nothing to boot
    ctx_.work_dir = dir_ / "work";
    ctx_.console_log_keep = dir_ / "out" / "blank.raw.console.log";
    ctx_.log = [this](const std::string& l) { log_ += l + "\n"; };
    settings_.accelerator = tmpl::Accelerator::tcg;
    settings_.memory_mib = 256;
    settings_.cpus = 1;
    settings_.timeout_seconds = 4;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string failure() {
    try {
      qemu_verify(image_, tmpl::ImageFormat::raw, settings_, ctx_);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "(no error)";
  }

  fs::path dir_, image_;
  VerifyContext ctx_;
  tmpl::QemuVerifySettings settings_;
  std::string log_;
};

TEST_F(QemuVerify, MissingImageIsNamed) {
  image_ = dir_ / "missing.qcow2";
  std::string e = failure();
  EXPECT_NE(e.find("qemu-verify: the disk image " + image_.string() + " does not exist"), std::string::npos) << e;
}

TEST_F(QemuVerify, NothingToBootTimesOutAndKeepsTheConsoleLog) {
  auto t0 = std::chrono::steady_clock::now();
  std::string e = failure();
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_NE(e.find("qemu-verify: timed out after 4 s waiting for the guest to report that cloud-init finished"),
            std::string::npos) << e;
  EXPECT_NE(e.find("console log: " + ctx_.console_log_keep.string()), std::string::npos) << e;
  EXPECT_TRUE(fs::exists(ctx_.console_log_keep));
  EXPECT_LT(took, std::chrono::seconds(20));
  EXPECT_NE(log_.find("qemu-verify: booting blank.raw (tcg, 256 MiB, 1 CPUs, timeout 4 s)"), std::string::npos) << log_;
  // The image was only read: qemu wrote to the overlay, which is gone with the boot.
  std::ifstream in(image_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(bytes, std::string(16 << 20, '\0'));
  EXPECT_FALSE(fs::exists(ctx_.work_dir / "overlay.qcow2"));
}

TEST_F(QemuVerify, QemuErrorIsReportedWithItsOutput) {
  // Firmware files qemu refuses (wrong size for a pflash device): qemu exits at once.
  fs::create_directories(dir_ / "fw");
  std::ofstream(dir_ / "fw" / "BAD_CODE.fd") << "not firmware";
  std::ofstream(dir_ / "fw" / "BAD_VARS.fd") << "not vars";
  settings_.firmware = (dir_ / "fw" / "BAD_CODE.fd").string();
  settings_.timeout_seconds = 60;
  auto t0 = std::chrono::steady_clock::now();
  std::string e = failure();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_NE(e.find("qemu-verify: qemu exited with exit status 1 before the guest finished cloud-init; qemu said:"),
            std::string::npos) << e;
  EXPECT_NE(e.find("qemu-system-x86_64"), std::string::npos) << e;  // qemu's own message
  EXPECT_NE(e.find("console log: " + ctx_.console_log_keep.string()), std::string::npos) << e;
}

TEST_F(QemuVerify, CancelStopsTheBoot) {
  std::atomic<bool> cancel{true};
  ctx_.cancel = &cancel;
  settings_.timeout_seconds = 60;
  auto t0 = std::chrono::steady_clock::now();
  std::string e = failure();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_EQ(e.rfind("qemu-verify: cancelled", 0), 0u) << e;
}

TEST_F(QemuVerify, SettingsOutOfRangeAreNamed) {
  settings_.cpus = 0;
  EXPECT_NE(failure().find("cpus must be at least 1"), std::string::npos);
  settings_.cpus = 1;
  settings_.memory_mib = 16;
  EXPECT_NE(failure().find("memory must be at least 128"), std::string::npos);
}

TEST(VerifyResult, JsonCarriesTheFigures) {
  VerifyResult r;
  r.boot_seconds = 61.5;
  r.accelerator = "tcg";
  r.agent_answered = true;
  r.commands = nlohmann::json::array({{{"command", "true"}, {"exit_code", 0}}});
  EXPECT_EQ(r.to_json(), nlohmann::json::parse(R"({"boot_seconds":61.5,"accelerator":"tcg","agent_answered":true,
                                                   "commands":[{"command":"true","exit_code":0}]})"));
  EXPECT_EQ(VerifyResult{}.to_json()["commands"], nlohmann::json::array());
}

}  // namespace
}  // namespace sarga::verify
