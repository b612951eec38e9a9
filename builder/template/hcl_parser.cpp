#include "builder/template/hcl_parser.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace sarga::tmpl {
namespace {

// Deep nesting is never useful in a template; the limit keeps hostile input from
// exhausting the stack.
constexpr int kMaxDepth = 64;

bool is_id_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_id_char(char c) { return is_id_start(c) || (c >= '0' && c <= '9') || c == '-'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string describe_char(char c) {
  if (c == '\n') return "newline";
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02x", static_cast<unsigned char>(c));
    return buf;
  }
  return std::string("\"") + c + "\"";
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(const SourceFile& file) : file_(file), s_(file.text()) {}

  Body parse_file() {
    Body body = parse_body(0, /*top=*/true);
    return body;
  }

  ExprPtr parse_whole_expression() {
    skip_space(true);
    if (at_end()) fail(pos_, "expected a value");
    ExprPtr e = parse_expression();
    skip_space(true);
    if (!at_end()) fail(pos_, "unexpected " + describe_char(s_[pos_]) + " after the value");
    return e;
  }

  ExprPtr parse_quoted_at(size_t offset) {
    pos_ = offset;
    return parse_quoted();
  }

 private:
  const SourceFile& file_;
  const std::string& s_;
  size_t pos_ = 0;
  int depth_ = 0;

  struct DepthGuard {
    Parser& p;
    DepthGuard(Parser& parser, size_t at) : p(parser) {
      if (++p.depth_ > kMaxDepth) p.fail(at, "nesting is deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    ~DepthGuard() { --p.depth_; }
  };

  [[noreturn]] void fail(size_t at, const std::string& message) const { file_.fail(at, message); }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }

  std::shared_ptr<Expr> node(Expr::Kind kind, size_t offset) const {
    auto e = std::make_shared<Expr>();
    e->kind = kind;
    e->file = &file_;
    e->offset = offset;
    return e;
  }

  // Skips blanks and comments; newlines too when `newlines`. A line comment stops before
  // its newline so the newline can still end an attribute.
  // Returns true when it crossed a multi-line block comment (which ends an item like a newline).
  bool skip_space(bool newlines) {
    while (!at_end()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n' && newlines) {
        ++pos_;
      } else if (c == '#' || (c == '/' && peek(1) == '/')) {
        while (!at_end() && s_[pos_] != '\n') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        size_t start = pos_;
        size_t end = s_.find("*/", pos_ + 2);
        if (end == std::string::npos) fail(start, "unterminated comment: \"/*\" has no closing \"*/\"");
        // A block comment spanning lines counts as a newline between items.
        if (!newlines && s_.find('\n', pos_) < end) {
          pos_ = end + 2;
          return true;
        }
        pos_ = end + 2;
      } else {
        break;
      }
    }
    return false;
  }

  std::string identifier() {
    size_t start = pos_;
    while (!at_end() && is_id_char(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // ----------------------------------------------------------------- bodies

  Body parse_body(size_t open_offset, bool top) {
    DepthGuard guard(*this, open_offset);
    Body body;
    body.file = &file_;
    body.offset = open_offset;
    std::unordered_map<std::string, size_t> first_seen;  // attribute name -> offset
    while (true) {
      skip_space(true);
      if (at_end()) {
        if (!top) fail(open_offset, "unclosed block: this \"{\" has no matching \"}\"");
        return body;
      }
      char c = s_[pos_];
      if (c == '}') {
        if (top) fail(pos_, "unexpected \"}\": no block is open here");
        ++pos_;
        return body;
      }
      if (!is_id_start(c)) fail(pos_, "expected an attribute or block name, found " + describe_char(c));
      size_t name_at = pos_;
      std::string name = identifier();
      skip_space(false);
      if (peek() == '=' && peek(1) != '=') {
        ++pos_;
        if (auto [it, fresh] = first_seen.emplace(name, name_at); !fresh)
          fail(name_at, "attribute \"" + name + "\" is set twice (first at line " +
                            std::to_string(file_.location(it->second).line) + ")");
        skip_space(false);
        if (at_end() || peek() == '\n') fail(pos_, "expected a value for attribute \"" + name + "\"");
        Attribute attr{name, &file_, name_at, parse_expression()};
        body.attributes.push_back(std::move(attr));
        end_of_item(top);
        continue;
      }
      Block block;
      block.type = name;
      block.file = &file_;
      block.offset = name_at;
      while (true) {
        char d = peek();
        if (d == '"') {
          size_t label_at = pos_;
          ExprPtr label = parse_quoted();
          if (label->kind != Expr::Kind::literal)
            fail(label_at, "a block label cannot contain interpolation");
          block.labels.push_back(label->value.get<std::string>());
          block.label_offsets.push_back(label_at);
        } else if (is_id_start(d)) {
          block.label_offsets.push_back(pos_);
          block.labels.push_back(identifier());
        } else if (d == '{') {
          break;
        } else if (d == '=') {
          fail(pos_, "unexpected \"=\": an attribute name cannot be followed by labels");
        } else {
          fail(pos_, at_end() ? "expected \"{\" to open block \"" + name + "\", found end of file"
                              : "expected \"{\" to open block \"" + name + "\", found " + describe_char(d));
        }
        skip_space(false);
      }
      size_t open = pos_++;
      block.body = parse_body(open, false);
      body.blocks.push_back(std::move(block));
      end_of_item(top);
    }
  }

  // After an attribute or block: a newline, the end of the file, or the enclosing "}".
  void end_of_item(bool top) {
    if (skip_space(false) || at_end()) return;
    char c = s_[pos_];
    if (c == '\n') {
      ++pos_;
      return;
    }
    if (c == '}' && !top) return;
    if (std::strchr("+-*/%<>=!&|?", c))
      fail(pos_, "operator " + describe_char(c) + " is not supported here (only in validation conditions)");
    fail(pos_, "expected a newline after the value, found " + describe_char(c));
  }

  // ------------------------------------------------------------ expressions

  ExprPtr parse_expression() {
    DepthGuard guard(*this, pos_);
    ExprPtr cond = parse_binary(0);
    skip_space(false);
    if (peek() == '?') {
      auto e = node(Expr::Kind::conditional, cond->offset);
      ++pos_;
      skip_space(true);
      e->items.push_back(cond);
      e->items.push_back(parse_expression());
      skip_space(true);
      if (peek() != ':') fail(pos_, "expected \":\" in the conditional expression");
      ++pos_;
      skip_space(true);
      e->items.push_back(parse_expression());
      return e;
    }
    return cond;
  }

  // Precedence climbing: || < && < == != < < > <= >= < + - < * / %.
  static int precedence(const std::string& op) {
    if (op == "||") return 1;
    if (op == "&&") return 2;
    if (op == "==" || op == "!=") return 3;
    if (op == "<" || op == ">" || op == "<=" || op == ">=") return 4;
    if (op == "+" || op == "-") return 5;
    if (op == "*" || op == "/" || op == "%") return 6;
    return 0;
  }

  std::string peek_operator() const {
    char c = peek(), d = peek(1);
    std::string two{c, d};
    if (two == "||" || two == "&&" || two == "==" || two == "!=" || two == "<=" || two == ">=") return two;
    if (c == '<' && d == '<') return {};  // heredoc, not an operator
    if (c == '/' && (d == '/' || d == '*')) return {};  // comment
    if (std::strchr("<>+-*/%", c) && c != '\0') return std::string(1, c);
    return {};
  }

  ExprPtr parse_binary(int min_prec) {
    ExprPtr left = parse_unary();
    // Operator chains build left-deep trees that evaluation walks recursively: bound them.
    int operators = 0;
    while (true) {
      skip_space(false);
      std::string op = peek_operator();
      int prec = op.empty() ? 0 : precedence(op);
      if (prec == 0 || prec < min_prec) return left;
      size_t op_at = pos_;
      if (++operators > kMaxDepth) fail(op_at, "more than " + std::to_string(kMaxDepth) + " operators in one expression");
      pos_ += op.size();
      skip_space(true);
      ExprPtr right = parse_binary(prec + 1);
      auto e = node(Expr::Kind::binary, op_at);
      e->name = op;
      e->items = {left, right};
      left = e;
    }
  }

  ExprPtr parse_unary() {
    char c = peek();
    if (c == '!' || (c == '-' && !is_digit(peek(1)))) {
      DepthGuard guard(*this, pos_);
      auto e = node(Expr::Kind::unary, pos_);
      e->name = std::string(1, c);
      ++pos_;
      skip_space(false);
      e->items.push_back(parse_unary());
      return e;
    }
    return parse_postfix(parse_primary());
  }

  ExprPtr parse_postfix(ExprPtr base) {
    if (base->kind != Expr::Kind::traversal) return base;
    auto e = std::const_pointer_cast<Expr>(base);
    while (true) {
      if (peek() == '.' && is_id_start(peek(1))) {
        size_t at = ++pos_;
        e->steps.push_back({identifier(), nullptr, at});
      } else if (peek() == '.' && is_digit(peek(1))) {
        size_t at = ++pos_;
        size_t start = pos_;
        while (is_digit(peek())) ++pos_;
        auto idx = node(Expr::Kind::literal, at);
        idx->value = std::stoll(s_.substr(start, std::min<size_t>(pos_ - start, 18)));
        e->steps.push_back({"", idx, at});
      } else if (peek() == '[') {
        size_t at = pos_++;
        skip_space(true);
        if (peek() == '*') fail(pos_, "splat expressions ([*]) are not supported");
        ExprPtr idx = parse_expression();
        skip_space(true);
        if (peek() != ']') fail(pos_, "expected \"]\" to close the index");
        ++pos_;
        e->steps.push_back({"", idx, at});
      } else {
        return e;
      }
    }
  }

  ExprPtr parse_primary() {
    if (at_end()) fail(pos_, "expected a value, found end of file");
    char c = s_[pos_];
    size_t at = pos_;
    if (c == '"') return parse_quoted();
    if (c == '<' && peek(1) == '<') return parse_heredoc();
    if (is_digit(c) || (c == '-' && is_digit(peek(1)))) return parse_number();
    if (c == '[') return parse_list();
    if (c == '{') return parse_object();
    if (c == '(') {
      ++pos_;
      skip_space(true);
      ExprPtr inner = parse_expression();
      skip_space(true);
      if (peek() != ')') fail(pos_, "expected \")\"");
      ++pos_;
      return inner;
    }
    if (is_id_start(c)) {
      std::string name = identifier();
      if (name == "true" || name == "false") {
        auto e = node(Expr::Kind::literal, at);
        e->value = name == "true";
        return e;
      }
      if (name == "null") return node(Expr::Kind::literal, at);
      if (name == "for") {
        skip_space(false);
        if (is_id_start(peek())) fail(at, "\"for\" expressions are not supported");
      }
      if (peek() == '(') return parse_call(name, at);
      auto e = node(Expr::Kind::traversal, at);
      e->name = name;
      return e;
    }
    if (c == '\n') fail(at, "expected a value, found newline");
    fail(at, "expected a value, found " + describe_char(c));
  }

  ExprPtr parse_number() {
    size_t at = pos_;
    if (peek() == '-') ++pos_;
    while (is_digit(peek())) ++pos_;
    bool is_float = false;
    if (peek() == '.' && is_digit(peek(1))) {
      is_float = true;
      ++pos_;
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      size_t save = pos_;
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) {
        pos_ = save;
      } else {
        is_float = true;
        while (is_digit(peek())) ++pos_;
      }
    }
    if (is_id_start(peek())) fail(pos_, "invalid number: unexpected " + describe_char(peek()));
    std::string text = s_.substr(at, pos_ - at);
    auto e = node(Expr::Kind::literal, at);
    if (!is_float) {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (errno == ERANGE) fail(at, "number " + text + " is out of range");
      e->value = v;
    } else {
      double v = std::strtod(text.c_str(), nullptr);
      if (!std::isfinite(v)) fail(at, "number " + text + " is out of range");
      e->value = v;
    }
    return e;
  }

  ExprPtr parse_list() {
    auto e = node(Expr::Kind::list, pos_);
    size_t open = pos_++;
    DepthGuard guard(*this, open);
    while (true) {
      skip_space(true);
      if (at_end()) fail(open, "unclosed list: this \"[\" has no matching \"]\"");
      if (peek() == ']') {
        ++pos_;
        return e;
      }
      e->items.push_back(parse_expression());
      skip_space(true);
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != ']') {
        if (at_end()) fail(open, "unclosed list: this \"[\" has no matching \"]\"");
        fail(pos_, "expected \",\" or \"]\" in the list, found " + describe_char(peek()));
      }
    }
  }

  ExprPtr parse_object() {
    auto e = node(Expr::Kind::object, pos_);
    size_t open = pos_++;
    DepthGuard guard(*this, open);
    std::unordered_set<std::string> seen;
    while (true) {
      skip_space(true);
      if (at_end()) fail(open, "unclosed object: this \"{\" has no matching \"}\"");
      if (peek() == '}') {
        ++pos_;
        return e;
      }
      size_t key_at = pos_;
      std::string key;
      if (peek() == '"') {
        ExprPtr k = parse_quoted();
        if (k->kind != Expr::Kind::literal) fail(key_at, "an object key cannot contain interpolation");
        key = k->value.get<std::string>();
      } else if (is_id_start(peek())) {
        key = identifier();
      } else {
        fail(key_at, "expected an object key, found " + describe_char(peek()));
      }
      if (!seen.insert(key).second) fail(key_at, "object key \"" + key + "\" is set twice");
      skip_space(false);
      if (peek() != '=' && peek() != ':') fail(pos_, "expected \"=\" after object key \"" + key + "\"");
      ++pos_;
      skip_space(true);
      e->keys.push_back(key);
      e->key_offsets.push_back(key_at);
      e->items.push_back(parse_expression());
      skip_space(false);
      if (peek() == ',' || peek() == '\n') {
        ++pos_;
      } else if (peek() != '}') {
        if (at_end()) fail(open, "unclosed object: this \"{\" has no matching \"}\"");
        fail(pos_, "expected \",\", a newline or \"}\" in the object, found " + describe_char(peek()));
      }
    }
  }

  ExprPtr parse_call(const std::string& name, size_t at) {
    auto e = node(Expr::Kind::call, at);
    e->name = name;
    size_t open = pos_++;
    DepthGuard guard(*this, open);
    while (true) {
      skip_space(true);
      if (at_end()) fail(open, "unclosed call: this \"(\" has no matching \")\"");
      if (peek() == ')') {
        ++pos_;
        return e;
      }
      e->items.push_back(parse_expression());
      skip_space(true);
      if (peek() == ',') {
        ++pos_;
      } else if (peek() == '.' && peek(1) == '.' && peek(2) == '.') {
        fail(pos_, "argument expansion (...) is not supported");
      } else if (peek() != ')') {
        if (at_end()) fail(open, "unclosed call: this \"(\" has no matching \")\"");
        fail(pos_, "expected \",\" or \")\" in the call to " + name + "(), found " + describe_char(peek()));
      }
    }
  }

  // --------------------------------------------------------------- strings

  // Adds the interpolation starting at pos_ ("${") to `e`.
  void parse_interpolation(Expr& e) {
    size_t at = pos_;
    pos_ += 2;
    if (peek() == '~') ++pos_;
    skip_space(true);
    if (peek() == '}') fail(at, "empty interpolation \"${}\"");
    ExprPtr inner = parse_expression();
    skip_space(true);
    if (peek() == '~') ++pos_;
    if (peek() != '}') {
      if (at_end()) fail(at, "unclosed interpolation: \"${\" has no matching \"}\"");
      fail(pos_, "expected \"}\" to close the interpolation, found " + describe_char(peek()));
    }
    ++pos_;
    e.parts.push_back({"", inner});
  }

  static void add_text(Expr& e, const std::string& text) {
    if (text.empty()) return;
    if (!e.parts.empty() && !e.parts.back().expr)
      e.parts.back().text += text;
    else
      e.parts.push_back({text, nullptr});
  }

  // A template with only text becomes a literal string.
  static ExprPtr finish_template(std::shared_ptr<Expr> e) {
    bool has_expr = false;
    for (const auto& p : e->parts) has_expr = has_expr || p.expr;
    if (has_expr) return e;
    e->kind = Expr::Kind::literal;
    e->value = e->parts.empty() ? std::string() : e->parts.front().text;
    e->parts.clear();
    return e;
  }

  ExprPtr parse_quoted() {
    auto e = node(Expr::Kind::templ, pos_);
    size_t open = pos_++;
    DepthGuard guard(*this, open);
    std::string text;
    while (true) {
      if (at_end() || peek() == '\n')
        fail(open, "unterminated string: this quote has no closing quote on the same line");
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c == '\\') {
        size_t esc = pos_;
        char n = peek(1);
        pos_ += 2;
        switch (n) {
          case 'n': text += '\n'; break;
          case 'r': text += '\r'; break;
          case 't': text += '\t'; break;
          case '"': text += '"'; break;
          case '\\': text += '\\'; break;
          case '/': text += '/'; break;  // JSON syntax
          case 'b': text += '\b'; break;  // JSON syntax
          case 'f': text += '\f'; break;  // JSON syntax
          case 'u':
          case 'U': {
            size_t digits = n == 'u' ? 4 : 8;
            unsigned long cp = 0;
            for (size_t i = 0; i < digits; ++i) {
              char h = peek();
              int v = (h >= '0' && h <= '9') ? h - '0'
                      : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                      : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                               : -1;
              if (v < 0) fail(esc, std::string("invalid escape \\") + n + ": expected " + std::to_string(digits) + " hex digits");
              cp = cp * 16 + static_cast<unsigned long>(v);
              ++pos_;
            }
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
              fail(esc, "invalid escape: not a Unicode scalar value");
            append_utf8(text, cp);
            break;
          }
          default:
            fail(esc, "invalid escape sequence \"\\" + std::string(n ? 1 : 0, n) +
                          "\" (allowed: \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN)");
        }
        continue;
      }
      if (c == '$' && peek(1) == '$' && peek(2) == '{') {
        text += "${";
        pos_ += 3;
        continue;
      }
      if (c == '%' && peek(1) == '%' && peek(2) == '{') {
        text += "%{";
        pos_ += 3;
        continue;
      }
      if (c == '%' && peek(1) == '{') fail(pos_, "template directives (%{ ... }) are not supported; write %%{ for a literal \"%{\"");
      if (c == '$' && peek(1) == '{') {
        add_text(*e, text);
        text.clear();
        parse_interpolation(*e);
        continue;
      }
      text += c;
      ++pos_;
    }
    add_text(*e, text);
    return finish_template(e);
  }

  ExprPtr parse_heredoc() {
    size_t at = pos_;
    pos_ += 2;
    bool indented = false;
    if (peek() == '-') {
      indented = true;
      ++pos_;
    }
    if (!is_id_start(peek())) fail(pos_, "expected a heredoc marker such as EOF after \"<<\"");
    std::string marker = identifier();
    if (peek() == '\r') ++pos_;
    if (peek() != '\n') fail(pos_, "expected a newline after the heredoc marker \"" + marker + "\"");
    ++pos_;
    size_t body_start = pos_;
    // Find the closing line: only blanks around the marker.
    size_t line = body_start, body_end = std::string::npos, after = 0;
    while (line <= s_.size()) {
      size_t eol = s_.find('\n', line);
      if (eol == std::string::npos) eol = s_.size();
      size_t a = line, b = eol;
      while (a < b && (s_[a] == ' ' || s_[a] == '\t')) ++a;
      while (b > a && (s_[b - 1] == ' ' || s_[b - 1] == '\t' || s_[b - 1] == '\r')) --b;
      if (s_.compare(a, b - a, marker) == 0 && b - a == marker.size()) {
        body_end = line;
        after = eol;
        break;
      }
      if (eol == s_.size()) break;
      line = eol + 1;
    }
    if (body_end == std::string::npos) fail(at, "unterminated heredoc: no line with just \"" + marker + "\"");

    // <<- strips the smallest indentation of the non-blank lines.
    size_t strip = 0;
    if (indented) {
      strip = std::string::npos;
      for (size_t l = body_start; l < body_end;) {
        size_t eol = s_.find('\n', l);
        size_t n = 0;
        while (l + n < eol && (s_[l + n] == ' ' || s_[l + n] == '\t')) ++n;
        if (l + n < eol && s_[l + n] != '\r') strip = std::min(strip, n);
        l = eol + 1;
      }
      if (strip == std::string::npos) strip = 0;
    }

    ExprPtr result = parse_template_range(at, body_start, body_end, strip);
    pos_ = after;
    return result;
  }

 public:
  // The text in [start, end) as a template: interpolations, $${ and %%{ escapes, and
  // `strip` leading blanks removed from each line.
  ExprPtr parse_template_range(size_t at, size_t start, size_t body_end, size_t strip) {
    auto e = node(Expr::Kind::templ, at);
    DepthGuard guard(*this, at);
    std::string text;
    pos_ = start;
    bool line_start = true;
    while (pos_ < body_end) {
      if (line_start) {
        for (size_t n = 0; n < strip && pos_ < body_end && (peek() == ' ' || peek() == '\t'); ++n) ++pos_;
        line_start = false;
        continue;
      }
      char c = s_[pos_];
      if (c == '$' && peek(1) == '$' && peek(2) == '{') {
        text += "${";
        pos_ += 3;
      } else if (c == '%' && peek(1) == '%' && peek(2) == '{') {
        text += "%{";
        pos_ += 3;
      } else if (c == '%' && peek(1) == '{') {
        fail(pos_, "template directives (%{ ... }) are not supported; write %%{ for a literal \"%{\"");
      } else if (c == '$' && peek(1) == '{') {
        add_text(*e, text);
        text.clear();
        parse_interpolation(*e);
        if (pos_ > body_end) fail(pos_, "interpolation runs past the end of the heredoc");
      } else {
        text += c;
        ++pos_;
        if (c == '\n') line_start = true;
      }
    }
    add_text(*e, text);
    return finish_template(e);
  }
};

}  // namespace

Body parse_hcl_body(const SourceFile& file) { return Parser(file).parse_file(); }

ExprPtr parse_hcl_expression(const SourceFile& file) { return Parser(file).parse_whole_expression(); }

ExprPtr parse_hcl_template_text(const SourceFile& file) {
  return Parser(file).parse_template_range(0, 0, file.text().size(), 0);
}

ExprPtr parse_hcl_template_range(const SourceFile& file, size_t start, size_t end) {
  return Parser(file).parse_template_range(start, start, end, 0);
}

ExprPtr parse_hcl_quoted_template(const SourceFile& file, size_t offset) {
  return Parser(file).parse_quoted_at(offset);
}

}  // namespace sarga::tmpl
