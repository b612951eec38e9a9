// msgpack encoding as go-cty's cty/msgpack emits it (see msgpack.h).
#include <algorithm>
#include <bit>
#include <cmath>

#include "provider/cty/msgpack.h"
#include "provider/cty/value_internal.h"

namespace sarga::cty {
namespace {

class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}

  void document(const Value& v, const Type& t) {
    try {
      value(v, t);
    } catch (Failure& f) {
      std::reverse(f.reversed_steps.begin(), f.reversed_steps.end());
      throw EncodeError(Path(std::move(f.reversed_steps)), f.message);
    }
  }

 private:
  // Thrown inside the encoder; each enclosing container adds its step while the failure
  // unwinds, so the success path does no path bookkeeping.
  struct Failure {
    std::string message;
    std::vector<PathStep> reversed_steps;
  };

  [[noreturn]] void fail(const std::string& message) { throw Failure{message, {}}; }

  template <typename MakeStep>
  void child(const Value& v, const Type& t, MakeStep step) {
    try {
      value(v, t);
    } catch (Failure& f) {
      f.reversed_steps.push_back(step());
      throw;
    }
  }

  void value(const Value& v, const Type& t) {
    const Value::Impl& x = internal::impl(v);
    const Kind want = t.kind();
    if (want == Kind::Dynamic && !x.type.is_dynamic()) {
      // Concrete value where the schema says "dynamic": [type JSON, value].
      out_.push_back(static_cast<char>(0x92));
      bin(x.type.to_json());
      value(v, x.type);
      return;
    }
    if (x.state == internal::State::Unknown) {
      out_.append("\xd4\x00\x00", 3);
      return;
    }
    if (x.state == internal::State::Null) {
      out_.push_back(static_cast<char>(0xc0));
      return;
    }
    if (x.type.kind() != want) fail(t.friendly_name() + " required, but value is " + x.type.friendly_name());
    switch (want) {
      case Kind::String: str(std::get<std::string>(x.data)); return;
      case Kind::Number: number(std::get<Number>(x.data)); return;
      case Kind::Bool: out_.push_back(static_cast<char>(std::get<bool>(x.data) ? 0xc3 : 0xc2)); return;
      case Kind::List:
      case Kind::Set: {
        const auto& elems = std::get<Value::Elements>(x.data);
        array_header(elems.size());
        const Type& et = t.element_type();
        for (size_t i = 0; i < elems.size() && i < 4; ++i) __builtin_prefetch(&internal::impl(elems[i]));
        for (size_t i = 0; i < elems.size(); ++i) {
          // Values live in separate heap nodes: fetch a few ahead to hide memory latency.
          if (i + 4 < elems.size()) __builtin_prefetch(&internal::impl(elems[i + 4]));
          child(elems[i], et, [i] { return PathStep::index_of(static_cast<int64_t>(i)); });
        }
        return;
      }
      case Kind::Tuple: {
        const auto& elems = std::get<Value::Elements>(x.data);
        const auto& types = t.tuple_element_types();
        if (elems.size() != types.size()) {
          fail("tuple of " + std::to_string(types.size()) + " elements required, value has " +
               std::to_string(elems.size()));
        }
        array_header(elems.size());
        for (size_t i = 0; i < elems.size(); ++i) {
          child(elems[i], types[i], [i] { return PathStep::index_of(static_cast<int64_t>(i)); });
        }
        return;
      }
      case Kind::Map: {
        const auto& elems = std::get<Value::MapElements>(x.data);
        map_header(elems.size());
        const Type& et = t.element_type();
        for (const auto& entry : elems) {
          const std::string& k = entry.first;  // not a structured binding: lambdas capture it
          str(k);
          child(entry.second, et, [&k] { return PathStep::key(k); });
        }
        return;
      }
      case Kind::Object: object(std::get<Value::MapElements>(x.data), t); return;
      case Kind::Dynamic: fail("value of dynamic type must be null or unknown");
    }
  }

  // Type and value attributes are both sorted by name: walk them side by side.
  void object(const Value::Attributes& attrs, const Type& t) {
    for (const auto& entry : attrs) __builtin_prefetch(&internal::impl(entry.second));
    const auto& types = t.attribute_types();
    map_header(types.size());
    auto ia = attrs.begin();
    for (const auto& entry : types) {
      const std::string& name = entry.first;
      const Type& at = entry.second;
      if (ia != attrs.end() && ia->first < name) unsupported(ia->first, t);
      str(name);
      if (ia != attrs.end() && ia->first == name) {
        child(ia->second, at, [&name] { return PathStep::attribute(name); });
        ++ia;
      } else if (t.is_optional_attribute(name)) {
        out_.push_back(static_cast<char>(0xc0));
      } else {
        throw Failure{"missing attribute (the value has no \"" + name + "\")", {PathStep::attribute(name)}};
      }
    }
    if (ia != attrs.end()) unsupported(ia->first, t);
  }

  [[noreturn]] void unsupported(const std::string& name, const Type& t) {
    throw Failure{"unsupported attribute (not in the " + t.friendly_name() + " type)", {PathStep::attribute(name)}};
  }

  void be16(uint16_t v) {
    char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
    out_.append(b, 2);
  }
  void be32(uint32_t v) {
    char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                 static_cast<char>(v)};
    out_.append(b, 4);
  }
  void be64(uint64_t v) {
    be32(static_cast<uint32_t>(v >> 32));
    be32(static_cast<uint32_t>(v));
  }

  void uint(uint64_t n) {
    if (n <= 0x7f) {
      out_.push_back(static_cast<char>(n));
    } else if (n <= 0xff) {
      out_.push_back(static_cast<char>(0xcc));
      out_.push_back(static_cast<char>(n));
    } else if (n <= 0xffff) {
      out_.push_back(static_cast<char>(0xcd));
      be16(static_cast<uint16_t>(n));
    } else if (n <= 0xffffffffu) {
      out_.push_back(static_cast<char>(0xce));
      be32(static_cast<uint32_t>(n));
    } else {
      out_.push_back(static_cast<char>(0xcf));
      be64(n);
    }
  }

  // Smallest form, like vmihailenco/msgpack's EncodeInt: non-negative values use the
  // unsigned forms.
  void int64(int64_t n) {
    if (n >= 0) return uint(static_cast<uint64_t>(n));
    if (n >= -32) {
      out_.push_back(static_cast<char>(n));
    } else if (n >= INT8_MIN) {
      out_.push_back(static_cast<char>(0xd0));
      out_.push_back(static_cast<char>(n));
    } else if (n >= INT16_MIN) {
      out_.push_back(static_cast<char>(0xd1));
      be16(static_cast<uint16_t>(n));
    } else if (n >= INT32_MIN) {
      out_.push_back(static_cast<char>(0xd2));
      be32(static_cast<uint32_t>(n));
    } else {
      out_.push_back(static_cast<char>(0xd3));
      be64(static_cast<uint64_t>(n));
    }
  }

  void float64(double d) {
    out_.push_back(static_cast<char>(0xcb));
    be64(std::bit_cast<uint64_t>(d));
  }

  void number(const Number& n) {
    switch (n.form()) {
      case Number::Form::Int64: int64(n.int64_value()); return;
      case Number::Form::Double: float64(n.double_value()); return;
      case Number::Form::PosInf: float64(HUGE_VAL); return;
      case Number::Form::NegInf: float64(-HUGE_VAL); return;
      case Number::Form::Decimal: str(n.to_string()); return;
    }
  }

  void str(std::string_view s) {
    size_t n = s.size();
    if (n < 32) {
      out_.push_back(static_cast<char>(0xa0 | n));
    } else if (n <= 0xff) {
      out_.push_back(static_cast<char>(0xd9));
      out_.push_back(static_cast<char>(n));
    } else if (n <= 0xffff) {
      out_.push_back(static_cast<char>(0xda));
      be16(static_cast<uint16_t>(n));
    } else {
      out_.push_back(static_cast<char>(0xdb));
      be32(static_cast<uint32_t>(n));
    }
    out_.append(s);
  }

  void bin(std::string_view s) {
    size_t n = s.size();
    if (n <= 0xff) {
      out_.push_back(static_cast<char>(0xc4));
      out_.push_back(static_cast<char>(n));
    } else if (n <= 0xffff) {
      out_.push_back(static_cast<char>(0xc5));
      be16(static_cast<uint16_t>(n));
    } else {
      out_.push_back(static_cast<char>(0xc6));
      be32(static_cast<uint32_t>(n));
    }
    out_.append(s);
  }

  void array_header(size_t n) {
    if (n < 16) {
      out_.push_back(static_cast<char>(0x90 | n));
    } else if (n <= 0xffff) {
      out_.push_back(static_cast<char>(0xdc));
      be16(static_cast<uint16_t>(n));
    } else {
      out_.push_back(static_cast<char>(0xdd));
      be32(static_cast<uint32_t>(n));
    }
  }

  void map_header(size_t n) {
    if (n < 16) {
      out_.push_back(static_cast<char>(0x80 | n));
    } else if (n <= 0xffff) {
      out_.push_back(static_cast<char>(0xde));
      be16(static_cast<uint16_t>(n));
    } else {
      out_.push_back(static_cast<char>(0xdf));
      be32(static_cast<uint32_t>(n));
    }
  }

  std::string& out_;
};

}  // namespace

std::string to_msgpack(const Value& value, const Type& type) {
  std::string out;
  out.reserve(256);
  Encoder(out).document(value, type);
  return out;
}

}  // namespace sarga::cty
