#include "builder/verify/console.h"

#include <gtest/gtest.h>

#include <fstream>

namespace sarga::verify {
namespace {

const std::string kNonce = "0123456789abcdef";

ConsoleReport scan(const std::vector<std::string>& lines) {
  ConsoleReport r;
  for (const auto& l : lines) scan_console_line(l, kNonce, r);
  return r;
}

TEST(ConsoleParser, FinishedLineWithUptime) {
  ConsoleReport r = scan({"[   52.1] cloud-init[612]: SARGA-VERIFY 0123456789abcdef finished after 51.37 s\r"});
  EXPECT_TRUE(r.finished);
  ASSERT_TRUE(r.guest_uptime);
  EXPECT_DOUBLE_EQ(*r.guest_uptime, 51.37);
}

TEST(ConsoleParser, CommandExitCodes) {
  ConsoleReport r = scan({"SARGA-VERIFY 0123456789abcdef command 1 start",
                          "SARGA-VERIFY 0123456789abcdef command 1 exit 0",
                          "noise SARGA-VERIFY 0123456789abcdef command 2 exit 127\r"});
  EXPECT_FALSE(r.finished);
  EXPECT_EQ(r.command_exits, (std::map<int, int>{{1, 0}, {2, 127}}));
}

TEST(ConsoleParser, IgnoresOtherNoncesAndUnexpandedTemplates) {
  ConsoleReport r = scan({"SARGA-VERIFY ffffffffffffffff finished after 3 s",
                          "SARGA-VERIFY 0123456789abcdef finished after $UPTIME s",
                          "echo \"SARGA-VERIFY 0123456789abcdef command 1 exit $?\"",
                          "SARGA-VERIFY 0123456789abcdef finished after 3 s and more",
                          "SARGA-VERIFY 0123456789abcde finished after 3 s"});
  EXPECT_FALSE(r.finished);
  EXPECT_TRUE(r.command_exits.empty());
}

TEST(ConsoleLines, BuffersTheUnfinishedLine) {
  ConsoleLines c;
  EXPECT_TRUE(c.feed("SARGA-VERIFY 0123").empty());
  auto lines = c.feed("456789abcdef finished after 1 s\nnext\npart");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "SARGA-VERIFY 0123456789abcdef finished after 1 s");
  EXPECT_EQ(lines[1], "next");
  EXPECT_EQ(c.feed("ial\n"), std::vector<std::string>{"partial"});
}

TEST(ConsoleTail, LastLinesWithoutEscapesOrBlankLines) {
  std::string path = testing::TempDir() + "console-tail.log";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 1; i <= 30; ++i) out << "line " << i << "\r\n";
    out << "\x1b[2J\x1b[01;01Hboot\x1b[0m\r\n\r\n";
  }
  auto tail = tail_lines(path, 3);
  EXPECT_EQ(tail, (std::vector<std::string>{"line 29", "line 30", "boot"}));
  EXPECT_TRUE(tail_lines(testing::TempDir() + "no-such-console.log", 5).empty());
}

}  // namespace
}  // namespace sarga::verify
