#include "provider/cty/json_text.h"

#include <cstdint>

namespace sarga::cty {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr size_t kMaxDepth = 512;

void append_u_escape(std::string& out, uint32_t unit) {
  out += "\\u";
  out += kHex[(unit >> 12) & 0xf];
  out += kHex[(unit >> 8) & 0xf];
  out += kHex[(unit >> 4) & 0xf];
  out += kHex[unit & 0xf];
}

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid; sets *cp.
size_t utf8_sequence(std::string_view s, size_t i, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    v = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    v = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    v = (v << 6) | (cc & 0x3f);
  }
  if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
      (v >= 0xd800 && v <= 0xdfff)) {
    return 0;
  }
  *cp = v;
  return len;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  JsonNode document() {
    JsonNode node = value(0);
    skip_space();
    if (pos_ != s_.size()) fail("unexpected data after the JSON value");
    return node;
  }

 private:
  [[noreturn]] void fail(const std::string& message) { throw JsonSyntaxError(pos_, message); }

  void skip_space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool consume_literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) == lit) {
      pos_ += lit.size();
      return true;
    }
    return false;
  }

  JsonNode value(size_t depth) {
    if (depth > kMaxDepth) fail("JSON nested too deeply");
    skip_space();
    if (pos_ >= s_.size()) fail("unexpected end of JSON input");
    JsonNode node;
    char c = s_[pos_];
    if (c == '{') {
      node.kind = JsonNode::Kind::Object;
      ++pos_;
      skip_space();
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return node;
      }
      for (;;) {
        skip_space();
        if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a string object key");
        std::string key = string_literal();
        skip_space();
        if (pos_ >= s_.size() || s_[pos_] != ':') fail("expected ':' after an object key");
        ++pos_;
        node.members.push_back(JsonNode::Member{std::move(key), value(depth + 1)});
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          return node;
        }
        fail("expected ',' or '}' in an object");
      }
    }
    if (c == '[') {
      node.kind = JsonNode::Kind::Array;
      ++pos_;
      skip_space();
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return node;
      }
      for (;;) {
        node.items.push_back(value(depth + 1));
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == ']') {
          ++pos_;
          return node;
        }
        fail("expected ',' or ']' in an array");
      }
    }
    if (c == '"') {
      node.kind = JsonNode::Kind::String;
      node.text = string_literal();
      return node;
    }
    if (consume_literal("true")) {
      node.kind = JsonNode::Kind::Bool;
      node.boolean = true;
      return node;
    }
    if (consume_literal("false")) {
      node.kind = JsonNode::Kind::Bool;
      return node;
    }
    if (consume_literal("null")) return node;
    if (c == '-' || (c >= '0' && c <= '9')) {
      node.kind = JsonNode::Kind::Number;
      node.text = number_literal();
      return node;
    }
    fail(std::string("invalid character '") + c + "' looking for a value");
  }

  std::string number_literal() {
    size_t start = pos_;
    auto digits = [&] {
      size_t n = 0;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_, ++n;
      return n;
    };
    if (s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      fail("invalid number");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) fail("invalid number: digits expected after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) fail("invalid number: digits expected in the exponent");
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  uint32_t hex4() {
    if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else fail("invalid \\u escape");
    }
    return v;
  }

  std::string string_literal() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) fail("control character in string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) fail("unterminated string");
        char e = s_[pos_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            uint32_t unit = hex4();
            if (unit >= 0xd800 && unit <= 0xdbff && pos_ + 6 <= s_.size() && s_[pos_] == '\\' &&
                s_[pos_ + 1] == 'u') {
              size_t save = pos_;
              pos_ += 2;
              uint32_t low = hex4();
              if (low >= 0xdc00 && low <= 0xdfff) {
                append_utf8(out, 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
                break;
              }
              pos_ = save;
            }
            if (unit >= 0xd800 && unit <= 0xdfff) unit = 0xfffd;
            append_utf8(out, unit);
            break;
          }
          default:
            --pos_;
            fail("invalid escape in string");
        }
        continue;
      }
      uint32_t cp;
      size_t len = utf8_sequence(s_, pos_, &cp);
      if (len == 0) {
        append_utf8(out, 0xfffd);
        ++pos_;
      } else {
        out.append(s_.substr(pos_, len));
        pos_ += len;
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      uint32_t cp;
      size_t len = utf8_sequence(s, i, &cp);
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        if (cp == 0x2028 || cp == 0x2029) append_u_escape(out, cp);
        else out.append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '<': case '>': case '&': append_u_escape(out, c); break;
      default:
        if (c < 0x20) append_u_escape(out, c);
        else out += static_cast<char>(c);
    }
    ++i;
  }
  out += '"';
}

JsonSyntaxError::JsonSyntaxError(size_t offset, const std::string& message)
    : std::runtime_error("invalid JSON at byte " + std::to_string(offset) + ": " + message),
      offset_(offset) {}

JsonNode parse_json(std::string_view text) { return Parser(text).document(); }

const char* json_kind_name(JsonNode::Kind kind) {
  switch (kind) {
    case JsonNode::Kind::Null: return "null";
    case JsonNode::Kind::Bool: return "bool";
    case JsonNode::Kind::Number: return "number";
    case JsonNode::Kind::String: return "string";
    case JsonNode::Kind::Array: return "array";
    case JsonNode::Kind::Object: return "object";
  }
  return "?";
}

}  // namespace sarga::cty
