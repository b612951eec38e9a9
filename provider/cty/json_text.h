// Internal JSON text helpers shared by the type JSON and value JSON code:
// Go-compatible string escaping and a small DOM parser that keeps number text exact.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sarga::cty {

// Appends s as a JSON string literal escaped like Go's encoding/json: \" \\ \b \f \n \r \t,
// other control characters as \u00XX, < > & as \u003c \u003e \u0026, U+2028/U+2029
// escaped, invalid UTF-8 bytes replaced by \ufffd.
void append_json_string(std::string& out, std::string_view s);

struct JsonNode {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  struct Member;  // {first: key, second: value}; std::pair cannot hold an incomplete type
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text;  // String: decoded contents; Number: the literal as written
  std::vector<JsonNode> items;   // Array
  std::vector<Member> members;  // Object, in document order
};

struct JsonNode::Member {
  std::string first;
  JsonNode second;
};

class JsonSyntaxError : public std::runtime_error {
 public:
  JsonSyntaxError(size_t offset, const std::string& message);
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};

// Parses one JSON document (RFC 8259; trailing non-space is an error; nesting is limited
// to 512 levels). Invalid UTF-8 and lone surrogates in strings become U+FFFD, as in Go.
JsonNode parse_json(std::string_view text);

const char* json_kind_name(JsonNode::Kind kind);

}  // namespace sarga::cty
