#include "builder/template/source_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sarga::tmpl {

SourceFile::SourceFile(const SourceFile& parent, size_t base, std::string text)
    : path_(parent.path_), text_(std::move(text)), parent_(&parent), base_(base) {
  line_starts_.push_back(0);
}

SourceFile::SourceFile(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

SourceLocation SourceFile::location(size_t offset) const {
  if (parent_) return parent_->location(base_ + std::min(offset, text_.size()));
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(it - line_starts_.begin());  // 1-based
  size_t col = offset - line_starts_[line - 1] + 1;
  return {path_, static_cast<int>(line), static_cast<int>(col)};
}

std::string SourceFile::excerpt(size_t offset) const {
  if (parent_) return parent_->excerpt(base_ + std::min(offset, text_.size()));
  offset = std::min(offset, text_.size());
  SourceLocation loc = location(offset);
  size_t start = line_starts_[static_cast<size_t>(loc.line) - 1];
  size_t end = text_.find('\n', start);
  if (end == std::string::npos) end = text_.size();
  std::string line = text_.substr(start, end - start);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  // Keep tabs in the caret line so the caret lines up under tab-indented text; printable
  // stand-ins for control bytes keep the excerpt one line.
  std::string caret;
  for (size_t i = start; i < offset && i < end; ++i) caret += text_[i] == '\t' ? '\t' : ' ';
  for (char& c : line)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = '?';
  std::string number = std::to_string(loc.line);
  return "  " + number + " | " + line + "\n  " + std::string(number.size(), ' ') + " | " + caret + "^";
}

void SourceFile::fail(size_t offset, const std::string& message) const {
  SourceLocation loc = location(offset);
  throw TemplateError(path_, loc.line, loc.column, message, excerpt(offset));
}

void fail_at(const SourceFile* file, size_t offset, const std::string& message) {
  if (file) file->fail(offset, message);
  throw TemplateError("<unknown>", 0, 0, message);
}

std::string read_text_file(const std::string& path, const std::string& what) {
  // Only regular files, and not huge ones: file("/dev/zero") must not hang a validate.
  constexpr std::uintmax_t kMaxBytes = 16u << 20;
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    throw TemplateError(path, 0, 0, "cannot read " + what + ": not a regular file");
  if (!ec && std::filesystem::exists(status) && std::filesystem::file_size(path, ec) > kMaxBytes && !ec)
    throw TemplateError(path, 0, 0, "cannot read " + what + ": larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TemplateError(path, 0, 0, "cannot read " + what + ": " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw TemplateError(path, 0, 0, "cannot read " + what);
  return buf.str();
}

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  if (name.size() > 64) return {};
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best = closest_name(name, candidates);
  return best.empty() ? std::string() : " Did you mean \"" + best + "\"?";
}

}  // namespace sarga::tmpl
