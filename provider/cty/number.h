// Arbitrary-precision decimal numbers for cty values, with no silent rounding.
//
// Every number has exactly one internal form, so equality is a field comparison:
//   int64    integers in int64 range (fast path);
//   double   finite values exactly representable as a binary64 that are not int64 integers;
//   decimal  everything else, kept as exact decimal digits and a power-of-ten exponent;
//   +/-infinity.
// NaN is not a number in cty and is rejected.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sarga::cty {

class NumberError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Number {
 public:
  Number() = default;  // zero
  static Number from_int64(int64_t v);
  static Number from_uint64(uint64_t v);
  static Number from_double(double v);  // NumberError for NaN
  static Number infinity(bool negative = false);
  // Decimal text: [+-]digits[.digits][(e|E)[+-]digits], also ".5", "5.", "Inf", "-Inf".
  // Exponents beyond +/-10000 are rejected (NumberError) so text output stays bounded.
  static Number parse(std::string_view text);

  bool is_integer() const;  // finite and without fraction
  bool is_infinity() const;
  bool is_negative() const;  // < 0 (including -Inf)

  std::optional<int64_t> to_int64() const;    // only when exact
  std::optional<uint64_t> to_uint64() const;  // only when exact
  // Nearest double (may round; +/-Inf outside the range).
  double to_double() const;
  // Exact when the number is a binary64 value (int64 within 2^53, or the double form).
  std::optional<double> to_exact_double() const;

  // Plain decimal without exponent, shortest exact text: "42", "-0.5", "1" + 400 zeros,
  // "+Inf"/"-Inf" for infinities (go-cty: big.Float Text('f', -1)).
  std::string to_string() const;

  friend bool operator==(const Number& a, const Number& b);
  friend std::strong_ordering operator<=>(const Number& a, const Number& b);

  // Internal form, for the codecs' fast paths.
  enum class Form : uint8_t { Int64, Double, Decimal, PosInf, NegInf };
  Form form() const { return form_; }
  int64_t int64_value() const { return i_; }   // Form::Int64
  double double_value() const { return d_; }   // Form::Double
  // Form::Decimal: value = (negative ? -1 : 1) * digits * 10^exponent; digits has no
  // leading or trailing zeros.
  const std::string& decimal_digits() const { return digits_; }
  int64_t decimal_exponent() const { return i_; }

 private:
  Form form_ = Form::Int64;
  bool negative_ = false;  // Form::Decimal sign
  int64_t i_ = 0;          // Int64 value, or Decimal exponent
  double d_ = 0;
  std::string digits_;
};

}  // namespace sarga::cty
