#include "builder/template/json_syntax.h"

#include <iterator>
#include <unordered_set>

#include "builder/template/hcl_parser.h"

namespace sarga::tmpl {
namespace {

using json = nlohmann::json;

// Same limit as the HCL parser: deeper nesting is never a real template.
constexpr size_t kMaxDepth = 64;

// A JSON value with the offset where it starts; objects keep their key order.
struct JNode {
  enum class Type { object, array, string, scalar } type = Type::scalar;
  size_t offset = 0;
  std::vector<std::string> keys;
  std::vector<size_t> key_offsets;
  std::vector<JNode> items;  // object values (parallel to keys) or array items
  json scalar;               // numbers, bools, null
};

// Input iterator that tells the SAX handler how far nlohmann's lexer has read.
struct CountingIterator {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* p = nullptr;
  const char** shared = nullptr;  // last position handed out, for the handler

  reference operator*() const { return *p; }
  CountingIterator& operator++() {
    ++p;
    if (shared) *shared = p;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const CountingIterator& o) const { return p == o.p; }
  bool operator!=(const CountingIterator& o) const { return p != o.p; }
};

class Handler : public json::json_sax_t {
 public:
  Handler(const SourceFile& file, const char** read_pos) : file_(file), read_(read_pos) {}

  JNode root;

  bool null() override { return scalar(json(nullptr), literal_start()); }
  bool boolean(bool v) override { return scalar(json(v), literal_start()); }
  bool number_integer(number_integer_t v) override { return scalar(json(v), number_start()); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(json(v), number_start()); }
  bool number_float(number_float_t v, const string_t&) override { return scalar(json(v), number_start()); }
  bool string(string_t& value) override {
    JNode n;
    n.type = JNode::Type::string;
    n.scalar = value;
    n.offset = string_start();
    return add(std::move(n));
  }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return open(JNode::Type::object); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(JNode::Type::array); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    JNode* top = stack_.back();
    size_t at = string_start();
    if (!key_sets_.back().insert(k).second) file_.fail(at, "key \"" + k + "\" is set twice in this object");
    top->keys.push_back(k);
    top->key_offsets.push_back(at);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." -> the tail.
    size_t colon = what.find(": ", what.find("column"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    file_.fail(position > 0 ? position - 1 : 0, "invalid JSON: " + detail);
  }

 private:
  const SourceFile& file_;
  const char** read_;
  std::vector<JNode*> stack_;
  std::vector<std::unordered_set<std::string>> key_sets_;  // parallel to stack_
  bool have_root_ = false;

  size_t consumed() const { return static_cast<size_t>(*read_ - file_.text().data()); }

  // Strings end exactly where the lexer stopped: walk back to the opening quote.
  size_t string_start() const {
    const std::string& s = file_.text();
    size_t close = consumed();
    while (close > 0 && s[close - 1] != '"') --close;
    if (close == 0) return 0;
    size_t i = close - 1;  // the closing quote
    while (i > 0) {
      --i;
      if (s[i] != '"') continue;
      size_t slashes = 0;
      while (i >= slashes + 1 && s[i - slashes - 1] == '\\') ++slashes;
      if (slashes % 2 == 0) return i;
    }
    return 0;
  }
  // The lexer reads one byte past a number (then "ungets" it): walk back over it.
  size_t number_start() const {
    const std::string& s = file_.text();
    size_t i = std::min(consumed(), s.size());
    auto is_num = [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; };
    while (i > 0 && !is_num(s[i - 1])) --i;
    while (i > 0 && is_num(s[i - 1])) --i;
    return i;
  }
  size_t literal_start() const {
    const std::string& s = file_.text();
    size_t i = std::min(consumed(), s.size());
    while (i > 0 && s[i - 1] >= 'a' && s[i - 1] <= 'z') --i;
    return i;
  }

  bool scalar(json v, size_t at) {
    JNode n;
    n.scalar = std::move(v);
    n.offset = at;
    return add(std::move(n));
  }

  bool add(JNode n) {
    if (stack_.empty()) {
      if (have_root_) return false;
      root = std::move(n);
      have_root_ = true;
      return true;
    }
    stack_.back()->items.push_back(std::move(n));
    return true;
  }

  bool open(JNode::Type type) {
    if (stack_.size() >= kMaxDepth)
      file_.fail(consumed() ? consumed() - 1 : 0, "nesting is deeper than " + std::to_string(kMaxDepth) + " levels");
    JNode n;
    n.type = type;
    n.offset = consumed() ? consumed() - 1 : 0;
    if (stack_.empty()) {
      root = std::move(n);
      have_root_ = true;
      stack_.push_back(&root);
    } else {
      stack_.back()->items.push_back(std::move(n));
      stack_.push_back(&stack_.back()->items.back());
    }
    key_sets_.emplace_back();
    return true;
  }

  bool close() {
    stack_.pop_back();
    key_sets_.pop_back();
    return true;
  }
};

// ---------------------------------------------------------------- mapping

const char* type_name(const JNode& n) {
  switch (n.type) {
    case JNode::Type::object: return "an object";
    case JNode::Type::array: return "an array";
    case JNode::Type::string: return "a string";
    case JNode::Type::scalar:
      return n.scalar.is_null() ? "null" : n.scalar.is_boolean() ? "a bool" : "a number";
  }
  return "?";
}

class Mapper {
 public:
  Mapper(const SourceFile& file, std::vector<std::unique_ptr<SourceFile>>& storage) : file_(file), storage_(storage) {}

  ExprPtr expression(const JNode& n) const {
    auto e = std::make_shared<Expr>();
    e->file = &file_;
    e->offset = n.offset;
    switch (n.type) {
      case JNode::Type::string: return string_expression(n);
      case JNode::Type::scalar:
        e->kind = Expr::Kind::literal;
        e->value = n.scalar;
        return e;
      case JNode::Type::array:
        e->kind = Expr::Kind::list;
        for (const auto& item : n.items) e->items.push_back(expression(item));
        return e;
      case JNode::Type::object:
        e->kind = Expr::Kind::object;
        e->keys = n.keys;
        e->key_offsets = n.key_offsets;
        for (const auto& item : n.items) e->items.push_back(expression(item));
        return e;
    }
    return e;
  }

  Body body(const JNode& n, const BlockSchema& schema) const {
    if (n.type != JNode::Type::object)
      file_.fail(n.offset, "expected an object for the body of " + describe(schema) + ", found " + type_name(n));
    Body b;
    b.file = &file_;
    b.offset = n.offset;
    for (size_t i = 0; i < n.keys.size(); ++i) {
      const std::string& key = n.keys[i];
      if (key == "//") continue;  // HCL's JSON syntax: a "//" key is a comment
      const BlockSchema* nested = schema.block(key);
      if (!nested || schema.attribute(key)) {
        // Attributes, and unknown keys, which the loader reports like in HCL.
        b.attributes.push_back({key, &file_, n.key_offsets[i], expression(n.items[i])});
        continue;
      }
      blocks_of(*nested, key, n.key_offsets[i], n.items[i], {}, {}, b.blocks);
    }
    return b;
  }

 private:
  const SourceFile& file_;
  std::vector<std::unique_ptr<SourceFile>>& storage_;

  // JSON strings are decoded first, then read as templates (as HCL's JSON syntax does);
  // locations map back into the JSON file.
  ExprPtr string_expression(const JNode& n) const {
    const std::string& value = n.scalar.get_ref<const std::string&>();
    if (value.find("${") == std::string::npos && value.find("%{") == std::string::npos) {
      auto e = std::make_shared<Expr>();
      e->file = &file_;
      e->offset = n.offset;
      e->value = value;
      return e;
    }
    // Offset 0 of the decoded text maps to the first byte after the opening quote.
    storage_.push_back(std::make_unique<SourceFile>(file_, n.offset + 1, value));
    const SourceFile& piece = *storage_.back();
    return parse_hcl_template_range(piece, 0, value.size());
  }

  static std::string describe(const BlockSchema& s) {
    return s.type.empty() ? "the template" : "block \"" + s.type + "\"";
  }

  // `n` holds blocks of type `type` with `labels` known so far.
  void blocks_of(const BlockSchema& schema, const std::string& type, size_t type_offset, const JNode& n,
                 std::vector<std::string> labels, std::vector<size_t> label_offsets,
                 std::vector<Block>& out) const {
    if (n.type == JNode::Type::array) {
      for (const auto& item : n.items) blocks_of(schema, type, type_offset, item, labels, label_offsets, out);
      return;
    }
    if (n.type != JNode::Type::object)
      file_.fail(n.offset, "expected an object for block \"" + type + "\", found " + type_name(n));
    if (labels.size() < schema.label_names.size()) {
      for (size_t i = 0; i < n.keys.size(); ++i) {
        auto l = labels;
        auto lo = label_offsets;
        l.push_back(n.keys[i]);
        lo.push_back(n.key_offsets[i]);
        blocks_of(schema, type, type_offset, n.items[i], l, lo, out);
      }
      return;
    }
    Block block;
    block.type = type;
    block.labels = labels;
    block.label_offsets = label_offsets;
    block.file = &file_;
    block.offset = label_offsets.empty() ? type_offset : label_offsets.front();
    const BlockSchema* body_schema = &schema;
    if (!schema.variants.empty()) {
      // Unknown variants are reported by the loader; map the body generically meanwhile.
      const BlockSchema* v = schema.variant(labels.front());
      if (v) body_schema = v;
    }
    block.body = body(n, *body_schema);
    out.push_back(std::move(block));
  }
};

}  // namespace

Body parse_json_body(const SourceFile& file, const BlockSchema& schema,
                     std::vector<std::unique_ptr<SourceFile>>& storage) {
  const std::string& s = file.text();
  const char* read = s.data();
  Handler handler(file, &read);
  CountingIterator first{s.data(), &read};
  CountingIterator last{s.data() + s.size(), nullptr};
  bool ok = json::sax_parse(first, last, &handler, json::input_format_t::json, /*strict=*/true,
                            /*ignore_comments=*/false);
  if (!ok) file.fail(0, "invalid JSON");
  Mapper mapper(file, storage);
  return mapper.body(handler.root, schema);
}

}  // namespace sarga::tmpl
