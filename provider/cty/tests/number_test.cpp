#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "provider/cty/number.h"

using namespace sarga::cty;
using Form = Number::Form;

TEST(CtyNumber, CanonicalForms) {
  EXPECT_EQ(Number::parse("42").form(), Form::Int64);
  EXPECT_EQ(Number::parse("4.2e1").form(), Form::Int64);
  EXPECT_EQ(Number::parse("-0").form(), Form::Int64);
  EXPECT_EQ(Number::parse("1.5").form(), Form::Double);
  EXPECT_EQ(Number::parse("0.1").form(), Form::Decimal);
  EXPECT_EQ(Number::parse("9223372036854775808").form(), Form::Double);  // 2^63
  EXPECT_EQ(Number::parse("9223372036854775809").form(), Form::Decimal);
  EXPECT_EQ(Number::from_double(3.0).form(), Form::Int64);
  EXPECT_EQ(Number::from_double(-0.0), Number::from_int64(0));
  EXPECT_EQ(Number::parse("1.50"), Number::from_double(1.5));
  EXPECT_EQ(Number::parse("15e-1"), Number::from_double(1.5));
  EXPECT_EQ(Number::from_uint64(18446744073709551615ull).form(), Form::Decimal);
  EXPECT_EQ(Number::from_uint64(18446744073709551615ull).to_string(), "18446744073709551615");
}

TEST(CtyNumber, PreciseNumbersKeepEveryDigit) {
  EXPECT_EQ(Number::parse("9007199254740993").to_string(), "9007199254740993");
  EXPECT_EQ(Number::parse("9007199254740993").to_int64(), 9007199254740993LL);
  std::string big = "1" + std::string(400, '0');
  EXPECT_EQ(Number::parse("1e400").to_string(), big);
  EXPECT_EQ(Number::parse(big), Number::parse("1e400"));
  EXPECT_EQ(Number::parse("-1.000000000000000000000000000001").to_string(), "-1.000000000000000000000000000001");
  EXPECT_EQ(Number::parse("0.000000000000000000001").to_string(), "0.000000000000000000001");
  EXPECT_EQ(Number::parse("123456789012345678901234567890.5").to_string(), "123456789012345678901234567890.5");
  EXPECT_TRUE(std::isinf(Number::parse("1e400").to_double()));
}

TEST(CtyNumber, DoubleTextIsShortest) {
  EXPECT_EQ(Number::from_double(0.1).to_string(), "0.1");
  EXPECT_EQ(Number::from_double(-2.5).to_string(), "-2.5");
  EXPECT_EQ(Number::from_double(1e20).to_string(), "100000000000000000000");
  EXPECT_EQ(Number::from_double(9223372036854775808.0).to_string(), "9223372036854775808");
  // The double nearest 0.1 is not the decimal 0.1.
  EXPECT_NE(Number::from_double(0.1), Number::parse("0.1"));
  EXPECT_LT(Number::parse("0.1"), Number::from_double(0.1));
}

TEST(CtyNumber, Infinity) {
  EXPECT_EQ(Number::parse("+Inf"), Number::infinity());
  EXPECT_EQ(Number::parse("-Inf"), Number::infinity(true));
  EXPECT_EQ(Number::from_double(-HUGE_VAL), Number::infinity(true));
  EXPECT_EQ(Number::infinity().to_string(), "+Inf");
  EXPECT_LT(Number::parse("1e9999"), Number::infinity());
  EXPECT_GT(Number::parse("-1e9999"), Number::infinity(true));
  EXPECT_THROW(Number::from_double(std::numeric_limits<double>::quiet_NaN()), NumberError);
}

TEST(CtyNumber, RejectsBadText) {
  for (const char* s : {"", "-", ".", "1e", "1e+", "abc", "1.2.3", "0x10", "1 ", " 1", "1e10001"}) {
    EXPECT_THROW(Number::parse(s), NumberError) << s;
  }
  EXPECT_EQ(Number::parse(".5"), Number::from_double(0.5));
  EXPECT_EQ(Number::parse("5."), Number::from_int64(5));
}

TEST(CtyNumber, OrderingAcrossForms) {
  std::vector<Number> sorted = {Number::infinity(true), Number::parse("-1e30"), Number::from_int64(-5),
                                Number::from_double(-0.5), Number::from_int64(0), Number::parse("0.1"),
                                Number::from_double(0.1), Number::from_int64(1), Number::parse("9223372036854775807"),
                                Number::from_uint64(9223372036854775808ull), Number::parse("9223372036854775809"),
                                Number::parse("1e400"), Number::infinity()};
  for (size_t i = 0; i + 1 < sorted.size(); ++i) {
    EXPECT_LT(sorted[i], sorted[i + 1]) << sorted[i].to_string() << " vs " << sorted[i + 1].to_string();
    EXPECT_GT(sorted[i + 1], sorted[i]);
    EXPECT_EQ(sorted[i], sorted[i]);
  }
}

TEST(CtyNumber, Conversions) {
  EXPECT_EQ(Number::from_int64(-7).to_int64(), -7);
  EXPECT_FALSE(Number::from_double(1.5).to_int64());
  EXPECT_FALSE(Number::from_int64(-1).to_uint64());
  EXPECT_EQ(Number::parse("18446744073709551615").to_uint64(), 18446744073709551615ull);
  EXPECT_EQ(Number::from_uint64(9223372036854775808ull).to_uint64(), 9223372036854775808ull);
  EXPECT_DOUBLE_EQ(Number::parse("0.1").to_double(), 0.1);
  EXPECT_EQ(Number::from_int64(1LL << 53).to_exact_double(), 9007199254740992.0);
  EXPECT_FALSE(Number::parse("9007199254740993").to_exact_double());
  EXPECT_TRUE(Number::parse("1e5").is_integer());
  EXPECT_FALSE(Number::parse("0.1").is_integer());
  EXPECT_TRUE(Number::parse("-0.1").is_negative());
}
