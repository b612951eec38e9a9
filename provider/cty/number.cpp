#include "provider/cty/number.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

namespace sarga::cty {
namespace {

// Decimal exponent limit (position of the leading digit): keeps to_string() bounded.
constexpr int64_t kMaxDecimalMagnitude = 10000;

// An exact decimal: (negative ? -1 : 1) * digits * 10^exp; digits empty means zero.
struct Decimal {
  bool negative = false;
  std::string digits;  // no leading or trailing zeros
  int64_t exp = 0;
};

void strip_trailing_zeros(Decimal& d) {
  size_t n = d.digits.size();
  while (n > 0 && d.digits[n - 1] == '0') --n;
  d.exp += static_cast<int64_t>(d.digits.size() - n);
  d.digits.resize(n);
  if (d.digits.empty()) d.exp = 0;
}

// Base 1e9 little-endian big natural number, just enough for exact double expansion.
using Limbs = std::vector<uint32_t>;
constexpr uint32_t kLimbBase = 1000000000;

void mul_small(Limbs& n, uint32_t factor) {
  uint64_t carry = 0;
  for (uint32_t& limb : n) {
    uint64_t v = static_cast<uint64_t>(limb) * factor + carry;
    limb = static_cast<uint32_t>(v % kLimbBase);
    carry = v / kLimbBase;
  }
  while (carry) {
    n.push_back(static_cast<uint32_t>(carry % kLimbBase));
    carry /= kLimbBase;
  }
}

std::string limbs_to_string(const Limbs& n) {
  std::string out = std::to_string(n.back());
  char buf[16];
  for (size_t i = n.size() - 1; i-- > 0;) {
    std::snprintf(buf, sizeof buf, "%09u", n[i]);
    out += buf;
  }
  return out;
}

// Exact decimal expansion of a finite double.
Decimal exact_decimal(double v) {
  Decimal d;
  if (v == 0) return d;
  d.negative = std::signbit(v);
  int e2;
  double frac = std::frexp(std::fabs(v), &e2);  // v = frac * 2^e2, frac in [0.5, 1)
  uint64_t m = static_cast<uint64_t>(std::ldexp(frac, 64));
  int64_t e = static_cast<int64_t>(e2) - 64;
  while ((m & 1) == 0) {
    m >>= 1;
    ++e;
  }
  Limbs n{static_cast<uint32_t>(m % kLimbBase)};
  for (uint64_t rest = m / kLimbBase; rest; rest /= kLimbBase) {
    n.push_back(static_cast<uint32_t>(rest % kLimbBase));
  }
  if (e >= 0) {
    for (int64_t k = e; k > 0; k -= 29) mul_small(n, 1u << std::min<int64_t>(k, 29));
    d.exp = 0;
  } else {
    // m * 2^e = m * 5^-e * 10^e
    for (int64_t k = -e; k > 0; k -= 13) {
      uint32_t f = 1;
      for (int64_t i = 0; i < std::min<int64_t>(k, 13); ++i) f *= 5;
      mul_small(n, f);
    }
    d.exp = e;
  }
  d.digits = limbs_to_string(n);
  strip_trailing_zeros(d);
  return d;
}

Decimal int_decimal(int64_t v) {
  Decimal d;
  if (v == 0) return d;
  d.negative = v < 0;
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  d.digits = std::to_string(mag);
  strip_trailing_zeros(d);
  return d;
}

int compare_magnitude(const Decimal& a, const Decimal& b) {
  if (a.digits.empty() || b.digits.empty()) {
    return static_cast<int>(!a.digits.empty()) - static_cast<int>(!b.digits.empty());
  }
  int64_t ma = static_cast<int64_t>(a.digits.size()) + a.exp;
  int64_t mb = static_cast<int64_t>(b.digits.size()) + b.exp;
  if (ma != mb) return ma < mb ? -1 : 1;
  size_t n = std::max(a.digits.size(), b.digits.size());
  for (size_t i = 0; i < n; ++i) {
    char ca = i < a.digits.size() ? a.digits[i] : '0';
    char cb = i < b.digits.size() ? b.digits[i] : '0';
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

int compare_decimal(const Decimal& a, const Decimal& b) {
  int sa = a.digits.empty() ? 0 : (a.negative ? -1 : 1);
  int sb = b.digits.empty() ? 0 : (b.negative ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  int m = compare_magnitude(a, b);
  return sa < 0 ? -m : m;
}

std::string scientific_text(const Decimal& d) {
  std::string s = d.negative ? "-" : "";
  s += d.digits.empty() ? "0" : d.digits;
  s += 'e';
  s += std::to_string(d.exp);
  return s;
}

std::string plain_text(const Decimal& d) {
  if (d.digits.empty()) return "0";
  std::string s = d.negative ? "-" : "";
  int64_t n = static_cast<int64_t>(d.digits.size());
  if (d.exp >= 0) {
    s += d.digits;
    s.append(static_cast<size_t>(d.exp), '0');
  } else if (-d.exp < n) {
    s.append(d.digits, 0, static_cast<size_t>(n + d.exp));
    s += '.';
    s.append(d.digits, static_cast<size_t>(n + d.exp), std::string::npos);
  } else {
    s += "0.";
    s.append(static_cast<size_t>(-d.exp - n), '0');
    s += d.digits;
  }
  return s;
}

// Returns the int64 value when the decimal is an integer in range.
std::optional<int64_t> decimal_to_int64(const Decimal& d) {
  if (d.digits.empty()) return 0;
  if (d.exp < 0 || static_cast<int64_t>(d.digits.size()) + d.exp > 19) return std::nullopt;
  unsigned __int128 v = 0;
  for (char c : d.digits) v = v * 10 + static_cast<unsigned>(c - '0');
  for (int64_t i = 0; i < d.exp; ++i) v *= 10;
  if (!d.negative && v <= static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max())) {
    return static_cast<int64_t>(v);
  }
  if (d.negative && v <= static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max()) + 1) {
    return static_cast<int64_t>(0 - static_cast<uint64_t>(v));
  }
  return std::nullopt;
}

}  // namespace

Number Number::from_int64(int64_t v) {
  Number n;
  n.form_ = Form::Int64;
  n.i_ = v;
  return n;
}

Number Number::from_uint64(uint64_t v) {
  if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return from_int64(static_cast<int64_t>(v));
  }
  double d = static_cast<double>(v);
  if (d < 18446744073709551616.0 && static_cast<uint64_t>(d) == v) return from_double(d);
  Number n;
  n.form_ = Form::Decimal;
  Decimal dec;
  dec.digits = std::to_string(v);
  strip_trailing_zeros(dec);
  n.digits_ = std::move(dec.digits);
  n.i_ = dec.exp;
  return n;
}

Number Number::from_double(double v) {
  if (std::isnan(v)) throw NumberError("NaN is not a valid number");
  if (std::isinf(v)) return infinity(v < 0);
  // Integers in int64 range take the int form (this also folds -0 into 0).
  if (v >= -9223372036854775808.0 && v < 9223372036854775808.0 && std::trunc(v) == v) {
    return from_int64(static_cast<int64_t>(v));
  }
  Number n;
  n.form_ = Form::Double;
  n.d_ = v;
  return n;
}

Number Number::infinity(bool negative) {
  Number n;
  n.form_ = negative ? Form::NegInf : Form::PosInf;
  return n;
}

Number Number::parse(std::string_view text) {
  auto bad = [&](const char* why) -> NumberError {
    return NumberError("invalid number \"" + std::string(text.substr(0, 64)) +
                       (text.size() > 64 ? "..." : "") + "\": " + why);
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string_view rest = text.substr(i);
  if (rest == "Inf" || rest == "inf" || rest == "Infinity" || rest == "infinity") {
    return infinity(negative);
  }
  Decimal d;
  d.negative = negative;
  size_t int_digits = 0, frac_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (!(d.digits.empty() && text[i] == '0')) d.digits += text[i];
    ++i, ++int_digits;
  }
  int64_t exp = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (!(d.digits.empty() && text[i] == '0')) d.digits += text[i];
      --exp;
      ++i, ++frac_digits;
    }
  }
  if (int_digits + frac_digits == 0) throw bad("digits expected");
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) eneg = text[i++] == '-';
    size_t start = i;
    int64_t e = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (e < 1000000000) e = e * 10 + (text[i] - '0');
      ++i;
    }
    if (i == start) throw bad("exponent digits expected");
    exp += eneg ? -e : e;
  }
  if (i != text.size()) throw bad("unexpected character");
  d.exp = d.digits.empty() ? 0 : exp;
  strip_trailing_zeros(d);
  if (d.digits.empty()) return from_int64(0);
  int64_t magnitude = static_cast<int64_t>(d.digits.size()) + d.exp;
  if (magnitude > kMaxDecimalMagnitude || magnitude < -kMaxDecimalMagnitude) {
    throw bad("exponent out of the supported range (+/-10000)");
  }
  if (auto v = decimal_to_int64(d)) return from_int64(*v);
  // Exactly a binary64 value? A double has at most 767 significant decimal digits, and a
  // fraction with k decimal places is M/2^k with M odd, so it needs
  // floor(log2 |v|) + k + 1 <= 53 significand bits: most long decimals fail cheaply here.
  bool may_be_double = d.digits.size() <= 767;
  if (may_be_double && d.exp < 0) {
    double log2_lower = std::floor(static_cast<double>(magnitude - 1) * 3.321928094887362);
    may_be_double = log2_lower + static_cast<double>(-d.exp) + 1 <= 53;
  }
  if (may_be_double) {
    std::string sci = scientific_text(d);
    double v = std::strtod(sci.c_str(), nullptr);
    if (std::isfinite(v) && v != 0 && compare_decimal(exact_decimal(v), d) == 0) {
      return from_double(v);
    }
  }
  Number n;
  n.form_ = Form::Decimal;
  n.negative_ = d.negative;
  n.digits_ = std::move(d.digits);
  n.i_ = d.exp;
  return n;
}

bool Number::is_integer() const {
  switch (form_) {
    case Form::Int64: return true;
    case Form::Double: return std::trunc(d_) == d_;
    case Form::Decimal: return i_ >= 0;
    default: return false;
  }
}

bool Number::is_infinity() const { return form_ == Form::PosInf || form_ == Form::NegInf; }

bool Number::is_negative() const {
  switch (form_) {
    case Form::Int64: return i_ < 0;
    case Form::Double: return d_ < 0;
    case Form::Decimal: return negative_;
    case Form::PosInf: return false;
    case Form::NegInf: return true;
  }
  return false;
}

std::optional<int64_t> Number::to_int64() const {
  if (form_ == Form::Int64) return i_;
  return std::nullopt;  // other forms are never int64 integers (canonical forms)
}

std::optional<uint64_t> Number::to_uint64() const {
  if (form_ == Form::Int64) {
    if (i_ < 0) return std::nullopt;
    return static_cast<uint64_t>(i_);
  }
  if (form_ == Form::Double && d_ > 0 && d_ < 18446744073709551616.0 && std::trunc(d_) == d_) {
    return static_cast<uint64_t>(d_);
  }
  if (form_ == Form::Decimal && !negative_ && i_ >= 0 &&
      static_cast<int64_t>(digits_.size()) + i_ <= 20) {
    std::string s = digits_;
    s.append(static_cast<size_t>(i_), '0');
    uint64_t v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
  }
  return std::nullopt;
}

double Number::to_double() const {
  switch (form_) {
    case Form::Int64: return static_cast<double>(i_);
    case Form::Double: return d_;
    case Form::Decimal: {
      Decimal d{negative_, digits_, i_};
      return std::strtod(scientific_text(d).c_str(), nullptr);
    }
    case Form::PosInf: return std::numeric_limits<double>::infinity();
    case Form::NegInf: return -std::numeric_limits<double>::infinity();
  }
  return 0;
}

std::optional<double> Number::to_exact_double() const {
  if (form_ == Form::Double) return d_;
  if (form_ == Form::Int64) {
    double d = static_cast<double>(i_);
    if (d < 9223372036854775808.0 && static_cast<int64_t>(d) == i_) return d;
  }
  return std::nullopt;
}

std::string Number::to_string() const {
  switch (form_) {
    case Form::Int64: return std::to_string(i_);
    case Form::Double: {
      if (std::trunc(d_) == d_) return plain_text(exact_decimal(d_));  // big integers: exact
      // Like go-cty for float64-sourced numbers: the shortest text that reads back as d_.
      char buf[1100];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d_, std::chars_format::fixed);
      if (ec != std::errc()) return plain_text(exact_decimal(d_));
      return std::string(buf, end);
    }
    case Form::Decimal: return plain_text(Decimal{negative_, digits_, i_});
    case Form::PosInf: return "+Inf";
    case Form::NegInf: return "-Inf";
  }
  return "";
}

bool operator==(const Number& a, const Number& b) {
  if (a.form_ != b.form_) return false;
  switch (a.form_) {
    case Number::Form::Int64: return a.i_ == b.i_;
    case Number::Form::Double: return a.d_ == b.d_;
    case Number::Form::Decimal:
      return a.negative_ == b.negative_ && a.i_ == b.i_ && a.digits_ == b.digits_;
    default: return true;
  }
}

std::strong_ordering operator<=>(const Number& a, const Number& b) {
  using F = Number::Form;
  auto rank = [](F f) { return f == F::NegInf ? 0 : f == F::PosInf ? 2 : 1; };
  if (auto c = rank(a.form_) <=> rank(b.form_); c != 0) return c;
  if (a.is_infinity()) return std::strong_ordering::equal;  // same infinity
  if (a.form_ == F::Int64 && b.form_ == F::Int64) return a.i_ <=> b.i_;
  if (a.form_ == F::Double && b.form_ == F::Double) {
    return a.d_ < b.d_ ? std::strong_ordering::less
           : a.d_ > b.d_ ? std::strong_ordering::greater
                         : std::strong_ordering::equal;
  }
  auto to_dec = [](const Number& n) -> Decimal {
    switch (n.form_) {
      case F::Int64: return int_decimal(n.i_);
      case F::Double: return exact_decimal(n.d_);
      default: return Decimal{n.negative_, n.digits_, n.i_};
    }
  };
  int c = compare_decimal(to_dec(a), to_dec(b));
  return c < 0 ? std::strong_ordering::less
         : c > 0 ? std::strong_ordering::greater
                 : std::strong_ordering::equal;
}

}  // namespace sarga::cty
