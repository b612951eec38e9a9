#include "builder/verify/console.h"

#include <deque>
#include <fstream>
#include <regex>

#include "builder/verify/guest_seed.h"

namespace sarga::verify {

void scan_console_line(std::string_view line, const std::string& nonce, ConsoleReport& report) {
  const std::string tag = std::string(kConsoleTag) + " " + nonce + " ";
  auto at = line.find(tag);
  if (at == std::string_view::npos) return;
  std::string rest(line.substr(at + tag.size()));
  while (!rest.empty() && (rest.back() == '\r' || rest.back() == '\n' || rest.back() == ' ')) rest.pop_back();
  static const std::regex finished_re(R"(^finished after ([0-9]+(\.[0-9]+)?) s$)");
  static const std::regex command_re(R"(^command ([0-9]{1,6}) exit ([0-9]{1,3})$)");
  std::smatch m;
  if (std::regex_match(rest, m, finished_re)) {
    report.finished = true;
    report.guest_uptime = std::stod(m[1].str());
  } else if (std::regex_match(rest, m, command_re)) {
    report.command_exits[std::stoi(m[1].str())] = std::stoi(m[2].str());
  }
}

std::vector<std::string> ConsoleLines::feed(std::string_view chunk) {
  std::vector<std::string> lines;
  partial_.append(chunk);
  std::size_t start = 0, nl;
  while ((nl = partial_.find('\n', start)) != std::string::npos) {
    lines.push_back(partial_.substr(start, nl - start));
    start = nl + 1;
  }
  partial_.erase(0, start);
  return lines;
}

std::vector<std::string> tail_lines(const std::string& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    std::string clean;
    // The console carries firmware escape sequences; keep the text readable in a log.
    for (std::size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      if (c == 0x1b && i + 1 < line.size() && line[i + 1] == '[') {
        i += 2;
        while (i < line.size() && !(line[i] >= '@' && line[i] <= '~')) ++i;
        continue;
      }
      if (c >= 0x20 || c == '\t') clean += static_cast<char>(c);
    }
    if (clean.find_first_not_of(" \t") == std::string::npos) continue;
    last.push_back(std::move(clean));
    if (last.size() > n) last.pop_front();
  }
  return {last.begin(), last.end()};
}

}  // namespace sarga::verify
