// msgpack decoding accepting everything go-cty's cty/msgpack accepts (see msgpack.h).
#include <algorithm>
#include <bit>
#include <cmath>

#include "provider/cty/msgpack.h"
#include "provider/cty/value_internal.h"

namespace sarga::cty {
namespace {

// Deepest nesting accepted on input (dynamic wrappers can nest without bound otherwise).
constexpr size_t kMaxDepth = 256;
// go-cty rejects refinement bodies larger than this.
constexpr size_t kMaxRefinementBytes = 1024;
constexpr int8_t kRefinedUnknownExt = 12;

class Decoder {
 public:
  explicit Decoder(std::string_view in)
      : p_(reinterpret_cast<const uint8_t*>(in.data())), end_(p_ + in.size()) {}

  Value document(const Type& t) {
    try {
      Value v = value(t);
      if (p_ != end_) fail(std::to_string(end_ - p_) + " unexpected trailing bytes after the value");
      return v;
    } catch (Failure& f) {
      // Steps were collected innermost first while the failure unwound.
      std::reverse(f.reversed_steps.begin(), f.reversed_steps.end());
      throw DecodeError(Path(std::move(f.reversed_steps)), f.message);
    }
  }

 private:
  // Thrown inside the decoder; each enclosing container adds its step on the way out, so
  // the success path never pays for path tracking.
  struct Failure {
    std::string message;
    std::vector<PathStep> reversed_steps;
  };

  [[noreturn]] void fail(const std::string& message) { throw Failure{message, {}}; }
  [[noreturn]] void fail_at(PathStep step, const std::string& message) {
    throw Failure{message, {std::move(step)}};
  }

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  void need(size_t n) {
    if (remaining() < n) fail("unexpected end of msgpack data");
  }
  uint8_t peek() {
    need(1);
    return *p_;
  }
  uint8_t u8() {
    need(1);
    return *p_++;
  }
  uint16_t u16() {
    need(2);
    uint16_t v = static_cast<uint16_t>(p_[0] << 8 | p_[1]);
    p_ += 2;
    return v;
  }
  uint32_t u32() {
    need(4);
    uint32_t v = static_cast<uint32_t>(p_[0]) << 24 | static_cast<uint32_t>(p_[1]) << 16 |
                 static_cast<uint32_t>(p_[2]) << 8 | p_[3];
    p_ += 4;
    return v;
  }
  uint64_t u64() {
    uint64_t hi = u32();
    return hi << 32 | u32();
  }
  std::string_view bytes(size_t n) {
    need(n);
    std::string_view s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }

  static bool is_ext(uint8_t b) { return (b >= 0xd4 && b <= 0xd8) || (b >= 0xc7 && b <= 0xc9); }

  // Reads an ext header; returns {ext type, body}.
  std::pair<int8_t, std::string_view> ext() {
    uint8_t b = u8();
    size_t len;
    switch (b) {
      case 0xd4: len = 1; break;
      case 0xd5: len = 2; break;
      case 0xd6: len = 4; break;
      case 0xd7: len = 8; break;
      case 0xd8: len = 16; break;
      case 0xc7: len = u8(); break;
      case 0xc8: len = u16(); break;
      default: len = u32(); break;
    }
    int8_t type = static_cast<int8_t>(u8());
    return {type, bytes(len)};
  }

  // Length of a str or bin at the cursor, or -1 when the next item is neither.
  std::optional<std::string_view> try_str_or_bin() {
    uint8_t b = peek();
    size_t n;
    if ((b & 0xe0) == 0xa0) {
      ++p_;
      n = b & 0x1f;
    } else if (b == 0xd9 || b == 0xc4) {
      ++p_;
      n = u8();
    } else if (b == 0xda || b == 0xc5) {
      ++p_;
      n = u16();
    } else if (b == 0xdb || b == 0xc6) {
      ++p_;
      n = u32();
    } else {
      return std::nullopt;
    }
    return bytes(n);
  }

  std::optional<size_t> try_array_len() {
    uint8_t b = peek();
    if ((b & 0xf0) == 0x90) {
      ++p_;
      return b & 0x0f;
    }
    if (b == 0xdc) {
      ++p_;
      return u16();
    }
    if (b == 0xdd) {
      ++p_;
      return u32();
    }
    return std::nullopt;
  }

  std::optional<size_t> try_map_len() {
    uint8_t b = peek();
    if ((b & 0xf0) == 0x80) {
      ++p_;
      return b & 0x0f;
    }
    if (b == 0xde) {
      ++p_;
      return u16();
    }
    if (b == 0xdf) {
      ++p_;
      return u32();
    }
    return std::nullopt;
  }

  // Element counts come from the input: never reserve more than the bytes left could hold.
  size_t plausible(size_t n) const { return std::min(n, remaining()); }

  // Skips one complete item (iteratively, so hostile nesting cannot exhaust the stack).
  void skip_one() {
    size_t pending = 1;
    while (pending > 0) {
      --pending;
      uint8_t b = u8();
      if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) continue;
      if ((b & 0xf0) == 0x80) pending += 2 * static_cast<size_t>(b & 0x0f);
      else if ((b & 0xf0) == 0x90) pending += b & 0x0f;
      else if ((b & 0xe0) == 0xa0) bytes(b & 0x1f);
      else {
        switch (b) {
          case 0xcc: case 0xd0: bytes(1); break;
          case 0xcd: case 0xd1: bytes(2); break;
          case 0xce: case 0xd2: case 0xca: bytes(4); break;
          case 0xcf: case 0xd3: case 0xcb: bytes(8); break;
          case 0xd9: case 0xc4: bytes(u8()); break;
          case 0xda: case 0xc5: bytes(u16()); break;
          case 0xdb: case 0xc6: bytes(u32()); break;
          case 0xdc: pending += u16(); break;
          case 0xdd: pending += u32(); break;
          case 0xde: pending += 2 * static_cast<size_t>(u16()); break;
          case 0xdf: pending += 2 * static_cast<size_t>(u32()); break;
          case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: case 0xc7: case 0xc8: case 0xc9:
            --p_;
            ext();
            break;
          default: fail("invalid msgpack byte 0x" + hex(b));
        }
      }
      if (pending > remaining()) fail("unexpected end of msgpack data");
    }
  }

  static std::string hex(uint8_t b) {
    const char* d = "0123456789abcdef";
    return {d[b >> 4], d[b & 15]};
  }

  // Refinements (ext 12) are checked for shape, then dropped: a plain unknown is always
  // a correct (if less precise) reading of a refined one.
  void check_refinements(std::string_view body) {
    if (body.size() > kMaxRefinementBytes) fail("refined unknown value has more than 1024 bytes of refinements");
    Decoder inner(body);
    auto n = inner.try_map_len();
    if (!n) fail("refined unknown value must hold a msgpack map");
    for (size_t i = 0; i < *n; ++i) {
      uint8_t k = inner.peek();
      if (!(k <= 0x7f || k >= 0xe0 || (k >= 0xcc && k <= 0xd3))) fail("refinement keys must be integers");
      inner.skip_one();
      inner.skip_one();
    }
    if (inner.p_ != inner.end_) fail("trailing bytes in refined unknown value");
  }

  Value value(const Type& t) {
    if (depth_ >= kMaxDepth) fail("value nested too deeply");
    uint8_t b = peek();
    if (is_ext(b)) {
      auto [type, body] = ext();
      if (body.size() > 1) {
        if (type != kRefinedUnknownExt) fail("unsupported msgpack extension type " + std::to_string(type));
        check_refinements(body);
      }
      return Value::unknown(t);
    }
    if (t.is_dynamic()) return dynamic();
    if (b == 0xc0) {
      ++p_;
      return Value::null(t);
    }
    switch (t.kind()) {
      case Kind::String: {
        auto s = try_str_or_bin();
        if (!s) fail("string is required");
        return Value::string(std::string(*s));
      }
      case Kind::Number: return Value::number(number());
      case Kind::Bool:
        if (b == 0xc2 || b == 0xc3) {
          ++p_;
          return Value::boolean(b == 0xc3);
        }
        fail("bool is required");
      case Kind::List:
      case Kind::Set: return list_or_set(t);
      case Kind::Map: return map(t);
      case Kind::Tuple: return tuple(t);
      case Kind::Object: return object(t);
      case Kind::Dynamic: break;
    }
    fail("unsupported type " + t.friendly_name());
  }

  Value dynamic() {
    uint8_t b = peek();
    if (b == 0xc0) {
      ++p_;
      return Value::null(Type::dynamic());
    }
    auto n = try_array_len();
    if (!n || *n != 2) fail("dynamic value must be a 2-element array [type JSON, value]");
    auto json = try_str_or_bin();
    if (!json) fail("dynamic value type must be type JSON bytes");
    Type t;
    try {
      t = Type::from_json(*json);
    } catch (const TypeError& e) {
      fail(e.what());
    }
    ++depth_;
    Value v = value(t);
    --depth_;
    return v;
  }

  Number number() {
    uint8_t b = u8();
    if (b <= 0x7f) return Number::from_int64(b);
    if (b >= 0xe0) return Number::from_int64(static_cast<int8_t>(b));
    switch (b) {
      case 0xcc: return Number::from_int64(u8());
      case 0xcd: return Number::from_int64(u16());
      case 0xce: return Number::from_int64(u32());
      case 0xcf: return Number::from_uint64(u64());
      case 0xd0: return Number::from_int64(static_cast<int8_t>(u8()));
      case 0xd1: return Number::from_int64(static_cast<int16_t>(u16()));
      case 0xd2: return Number::from_int64(static_cast<int32_t>(u32()));
      case 0xd3: return Number::from_int64(static_cast<int64_t>(u64()));
      case 0xca:
      case 0xcb: {
        double d = b == 0xca ? static_cast<double>(std::bit_cast<float>(u32())) : std::bit_cast<double>(u64());
        if (std::isnan(d)) fail("number is required (NaN is not a number)");
        return Number::from_double(d);
      }
      default: {
        --p_;
        auto s = try_str_or_bin();
        if (!s) fail("number is required");
        try {
          return Number::parse(*s);
        } catch (const NumberError& e) {
          fail(std::string("number is required: ") + e.what());
        }
      }
    }
  }

  // Builds a collection, turning ValueError (mixed element types) into a DecodeError.
  template <typename F>
  Value build(F f) {
    try {
      return f();
    } catch (const ValueError& e) {
      fail(e.what());
    }
  }

  Value list_or_set(const Type& t) {
    bool is_set = t.is_set();
    auto n = try_array_len();
    if (!n) fail(is_set ? "a set is required" : "a list is required");
    const Type& et = t.element_type();
    Value::Elements elems;
    elems.reserve(plausible(*n));
    ++depth_;
    for (size_t i = 0; i < *n; ++i) {
      try {
        elems.push_back(value(et));
      } catch (Failure& f) {
        f.reversed_steps.push_back(PathStep::index_of(static_cast<int64_t>(i)));
        throw;
      }
    }
    --depth_;
    if (internal::is_exact_value_type(t)) {
      return is_set ? internal::set_with_type(t, std::move(elems)) : internal::list_with_type(t, std::move(elems));
    }
    return build([&] { return is_set ? Value::set(et, std::move(elems)) : Value::list(et, std::move(elems)); });
  }

  std::string_view key(const char* what) {
    auto k = try_str_or_bin();
    if (!k) fail(what);
    return *k;
  }

  Value map(const Type& t) {
    auto n = try_map_len();
    if (!n) fail("a map is required");
    const Type& et = t.element_type();
    Value::MapElements elems;
    elems.reserve(plausible(*n));
    ++depth_;
    for (size_t i = 0; i < *n; ++i) {
      std::string_view k = key("map keys must be strings");
      Value v = [&] {
        try {
          return value(et);
        } catch (Failure& f) {
          f.reversed_steps.push_back(PathStep::key(std::string(k)));
          throw;
        }
      }();
      if (elems.empty() || elems.rbegin()->first < k) {
        elems.emplace_hint(elems.end(), std::string(k), std::move(v));
      } else {
        elems.insert_or_assign(std::string(k), std::move(v));  // a repeated key: the last wins
      }
    }
    --depth_;
    if (internal::is_exact_value_type(t)) return internal::map_with_type(t, std::move(elems));
    return build([&] { return Value::map(et, std::move(elems)); });
  }

  Value tuple(const Type& t) {
    auto n = try_array_len();
    if (!n) fail("a tuple is required");
    const auto& types = t.tuple_element_types();
    if (*n != types.size()) fail("a tuple of length " + std::to_string(types.size()) + " is required");
    Value::Elements elems;
    elems.reserve(*n);
    ++depth_;
    for (size_t i = 0; i < *n; ++i) {
      try {
        elems.push_back(value(types[i]));
      } catch (Failure& f) {
        f.reversed_steps.push_back(PathStep::index_of(static_cast<int64_t>(i)));
        throw;
      }
    }
    --depth_;
    return Value::tuple(std::move(elems));
  }

  Value object(const Type& t) {
    auto n = try_map_len();
    if (!n) fail("an object is required");
    const auto& types = t.attribute_types();
    if (*n != types.size()) {
      fail("an object with " + std::to_string(types.size()) + " attributes is required (" + std::to_string(*n) +
           " given)");
    }
    Value::Attributes attrs;
    attrs.reserve(*n);
    auto next_type = types.begin();  // keys usually arrive sorted, like go-cty sends them
    ++depth_;
    for (size_t i = 0; i < *n; ++i) {
      std::string_view k = key("object attribute names must be strings");
      auto it = (next_type != types.end() && next_type->first == k) ? next_type : types.find(k);
      if (it == types.end()) fail_at(PathStep::attribute(std::string(k)), "unsupported attribute \"" + std::string(k) + "\"");
      next_type = std::next(it);
      Value v = [&] {
        try {
          return value(it->second);
        } catch (Failure& f) {
          f.reversed_steps.push_back(PathStep::attribute(it->first));
          throw;
        }
      }();
      size_t before = attrs.size();
      attrs.emplace(it->first, std::move(v));
      if (attrs.size() == before) fail_at(PathStep::attribute(it->first), "duplicate attribute");
    }
    --depth_;
    if (internal::is_exact_value_type(t)) return internal::object_with_type(t, std::move(attrs));
    return Value::object(std::move(attrs));
  }

  const uint8_t* p_;
  const uint8_t* end_;
  size_t depth_ = 0;
};

}  // namespace

Value from_msgpack(std::string_view bytes, const Type& type) { return Decoder(bytes).document(type); }

}  // namespace sarga::cty
