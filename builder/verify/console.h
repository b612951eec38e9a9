// Reading the guest's serial console: the nonce-tagged lines the seed makes cloud-init print.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sarga::verify {

struct ConsoleReport {
  bool finished = false;                  // "SARGA-VERIFY <nonce> finished after <uptime> s"
  std::optional<double> guest_uptime;     // the <uptime> of that line
  std::map<int, int> command_exits;       // command number (from 1) -> exit code
};

// Scans one console line (kernel messages may precede the tag on the same line; \r is ignored)
// and records what it reports. Lines with another nonce or unexpanded variables are ignored.
void scan_console_line(std::string_view line, const std::string& nonce, ConsoleReport& report);

// Splits text that grows over time into lines; the unfinished last line stays buffered.
class ConsoleLines {
 public:
  std::vector<std::string> feed(std::string_view chunk);

 private:
  std::string partial_;
};

// The last `n` lines of a file (control characters other than tab dropped), for error messages.
std::vector<std::string> tail_lines(const std::string& path, std::size_t n);

}  // namespace sarga::verify
