#include "lib/pve/prop_string.h"

#include <cctype>
#include <limits>
#include <stdexcept>

namespace sarga::pve {

std::optional<std::string> PropString::get(std::string_view key) const {
  for (const auto& [k, v] : items)
    if (k == key) return v;
  return std::nullopt;
}

void PropString::set(std::string_view key, std::string value) {
  for (auto& [k, v] : items)
    if (k == key) {
      v = std::move(value);
      return;
    }
  items.emplace_back(std::string(key), std::move(value));
}

bool PropString::erase(std::string_view key) {
  for (auto it = items.begin(); it != items.end(); ++it)
    if (it->first == key) {
      items.erase(it);
      return true;
    }
  return false;
}

namespace {

[[noreturn]] void fail(std::string_view text, size_t pos, const std::string& why) {
  throw std::invalid_argument("property string \"" + std::string(text.substr(0, 200)) + "\": " + why +
                              " at offset " + std::to_string(pos));
}

// Reads one value starting at `pos` up to the next unquoted ','; advances `pos` past it.
std::string read_value(std::string_view text, size_t& pos) {
  if (pos < text.size() && text[pos] == '"') {
    size_t start = pos;
    std::string out;
    for (++pos;; ++pos) {
      if (pos >= text.size()) fail(text, start, "unterminated quote");
      char c = text[pos];
      if (c == '\\') {
        if (++pos >= text.size()) fail(text, start, "unterminated quote");
        out.push_back(text[pos]);
      } else if (c == '"') {
        ++pos;
        break;
      } else {
        out.push_back(c);
      }
    }
    if (pos < text.size() && text[pos] != ',') fail(text, pos, "text after a closing quote");
    return out;
  }
  size_t end = text.find(',', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string out(text.substr(pos, end - pos));
  if (out.find('"') != std::string::npos) fail(text, pos, "a quote inside an unquoted value");
  pos = end;
  return out;
}

bool needs_quotes(const std::string& v, bool positional) {
  if (v.empty()) return false;
  if (v.find_first_of(",\"\\") != std::string::npos) return true;
  if (positional && v.find('=') != std::string::npos) return true;  // would read as key=value
  return std::isspace(static_cast<unsigned char>(v.front())) || std::isspace(static_cast<unsigned char>(v.back()));
}

std::string quoted(const std::string& v, bool positional = false) {
  if (!needs_quotes(v, positional)) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

PropString parse_prop_string(std::string_view text, std::string_view default_key) {
  PropString p;
  if (text.empty()) return p;
  size_t pos = 0;
  bool first_item = true;
  for (;;) {
    size_t item_start = pos;
    if (pos >= text.size() || text[pos] == ',') fail(text, pos, "empty item");
    // A key is the text before '=' when it comes before any ',' or quote.
    size_t eq = text.find('=', pos);
    size_t comma = text.find(',', pos);
    bool keyed = eq != std::string_view::npos && (comma == std::string_view::npos || eq < comma) &&
                 text[pos] != '"';
    if (keyed) {
      std::string key(text.substr(pos, eq - pos));
      if (key.empty()) fail(text, pos, "empty key");
      if (key.find('"') != std::string::npos) fail(text, pos, "a quote inside a key");
      pos = eq + 1;
      std::string value = read_value(text, pos);
      if (!default_key.empty() && key == default_key) {
        if (p.first) fail(text, item_start, "\"" + key + "\" given twice");
        if (value.empty()) fail(text, item_start, "empty \"" + key + "\"");
        p.first = std::move(value);
      } else {
        if (p.has(key)) fail(text, item_start, "duplicate key \"" + key + "\"");
        p.items.emplace_back(std::move(key), std::move(value));
      }
    } else {
      if (!first_item) fail(text, item_start, "value without a key after the first item");
      p.first = read_value(text, pos);
      if (p.first->empty()) fail(text, item_start, "empty positional value");
    }
    first_item = false;
    if (pos >= text.size()) break;
    ++pos;  // the ','
    if (pos >= text.size()) fail(text, pos, "empty item");
  }
  return p;
}

std::string format_prop_string(const PropString& p) {
  std::string out;
  if (p.first) out = quoted(*p.first, true);
  for (const auto& [k, v] : p.items) {
    if (!out.empty()) out.push_back(',');
    out += k + "=" + quoted(v);
  }
  return out;
}

std::optional<std::uint64_t> parse_size_bytes(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t mult = 1;
  char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text.back())));
  switch (unit) {
    case 'K': mult = 1ull << 10; break;
    case 'M': mult = 1ull << 20; break;
    case 'G': mult = 1ull << 30; break;
    case 'T': mult = 1ull << 40; break;
    default: unit = 0;
  }
  if (unit) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::uint64_t whole = 0;
  size_t i = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (whole > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) return std::nullopt;
    whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  if (i == 0) return std::nullopt;
  if (whole > std::numeric_limits<std::uint64_t>::max() / mult) return std::nullopt;
  std::uint64_t bytes = whole * mult;
  if (i < text.size()) {
    // A fraction ("1.5G") is only meaningful with a unit; computed exactly, rounded down.
    if (text[i] != '.' || !unit || i + 1 == text.size() || text.size() - i - 1 > 18) return std::nullopt;
    unsigned __int128 numerator = 0, denominator = 1;
    for (++i; i < text.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      numerator = numerator * 10 + static_cast<unsigned>(text[i] - '0');
      denominator *= 10;
    }
    auto add = static_cast<std::uint64_t>(numerator * mult / denominator);
    if (bytes > std::numeric_limits<std::uint64_t>::max() - add) return std::nullopt;
    bytes += add;
  }
  return bytes;
}

std::string format_size_gib(std::uint64_t gib) { return std::to_string(gib) + "G"; }

std::string format_size_bytes(std::uint64_t bytes) {
  static const struct { char unit; std::uint64_t size; } units[] = {
      {'T', 1ull << 40}, {'G', 1ull << 30}, {'M', 1ull << 20}, {'K', 1ull << 10}};
  if (bytes == 0) return "0";
  for (const auto& u : units)
    if (bytes % u.size == 0) return std::to_string(bytes / u.size) + u.unit;
  return std::to_string(bytes);
}

}  // namespace sarga::pve
