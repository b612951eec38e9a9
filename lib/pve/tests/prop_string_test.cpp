#include "lib/pve/prop_string.h"

#include <gtest/gtest.h>

#include <random>

using namespace sarga::pve;

namespace {

TEST(PropString, ParsesDiskWithPositionalVolume) {
  auto p = parse_prop_string("local-lvm:vm-100-disk-0,size=32G,iothread=1", "file");
  ASSERT_TRUE(p.first);
  EXPECT_EQ(*p.first, "local-lvm:vm-100-disk-0");
  ASSERT_EQ(p.items.size(), 2u);
  EXPECT_EQ(p.get("size"), "32G");
  EXPECT_EQ(p.get("iothread"), "1");
  EXPECT_FALSE(p.get("cache"));
}

TEST(PropString, DefaultKeyFormIsTheSameAsPositional) {
  auto a = parse_prop_string("file=local:iso/x.iso,media=cdrom", "file");
  auto b = parse_prop_string("local:iso/x.iso,media=cdrom", "file");
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.items, b.items);
  // Without a default key, file= is an ordinary item.
  auto c = parse_prop_string("file=local:iso/x.iso,media=cdrom");
  EXPECT_FALSE(c.first);
  EXPECT_EQ(c.get("file"), "local:iso/x.iso");
}

TEST(PropString, NetModelEqualsMacIsAKeyValue) {
  auto p = parse_prop_string("virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=20,firewall=1");
  EXPECT_FALSE(p.first);
  EXPECT_EQ(p.items.front().first, "virtio");
  EXPECT_EQ(p.items.front().second, "BC:24:11:00:00:01");
  EXPECT_EQ(format_prop_string(p), "virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=20,firewall=1");
}

TEST(PropString, SetEraseKeepOrder) {
  auto p = parse_prop_string("local-lvm:32,cache=none,discard=on", "file");
  p.set("cache", "writeback");
  p.set("ssd", "1");
  EXPECT_TRUE(p.erase("discard"));
  EXPECT_FALSE(p.erase("discard"));
  EXPECT_EQ(format_prop_string(p), "local-lvm:32,cache=writeback,ssd=1");
}

TEST(PropString, QuotedValues) {
  auto p = parse_prop_string(R"(ip=dhcp,name="a,b",note="say \"hi\" \\ ok")");
  EXPECT_EQ(p.get("name"), "a,b");
  EXPECT_EQ(p.get("note"), R"(say "hi" \ ok)");
  auto again = parse_prop_string(format_prop_string(p));
  EXPECT_EQ(again.items, p.items);
  EXPECT_EQ(format_prop_string(p), R"(ip=dhcp,name="a,b",note="say \"hi\" \\ ok")");
}

TEST(PropString, PositionalWithEqualsIsQuotedOnOutput) {
  PropString p;
  p.first = "a=b";
  p.items = {{"k", "v"}};
  std::string text = format_prop_string(p);
  EXPECT_EQ(text, R"("a=b",k=v)");
  auto back = parse_prop_string(text);
  EXPECT_EQ(back.first, p.first);
  EXPECT_EQ(back.items, p.items);
}

TEST(PropString, EmptyValuesAndEmptyInput) {
  EXPECT_TRUE(parse_prop_string("").items.empty());
  EXPECT_FALSE(parse_prop_string("").first);
  auto p = parse_prop_string("a=,b=1");
  EXPECT_EQ(p.get("a"), "");
  EXPECT_EQ(format_prop_string(p), "a=,b=1");
}

TEST(PropString, RejectsMalformedWithPosition) {
  for (const char* bad : {",a=1", "a=1,", "a=1,,b=2", "=x", "a=1,b=2,a=3", "a=1,lonely", R"(a="open)",
                          R"(a="x"y)", "file=a,file=b", R"(a=x"y)"}) {
    try {
      parse_prop_string(bad, "file");
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("offset"), std::string::npos) << e.what();
    }
  }
}

TEST(PropString, RandomRoundTrips) {
  // Whatever parse accepts, format must give back something that parses to the same.
  std::mt19937 rng(7);
  const std::string alphabet = "ab=,\"\\ :x1";
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) s.push_back(alphabet[rng() % alphabet.size()]);
    PropString p;
    try {
      p = parse_prop_string(s, "file");
    } catch (const std::invalid_argument&) {
      continue;
    }
    ++accepted;
    auto q = parse_prop_string(format_prop_string(p), "file");
    ASSERT_EQ(q.first, p.first) << s;
    ASSERT_EQ(q.items, p.items) << s;
  }
  EXPECT_GT(accepted, 500);
}

TEST(Sizes, ParseUnitsAndBytes) {
  EXPECT_EQ(parse_size_bytes("32G"), 32ull << 30);
  EXPECT_EQ(parse_size_bytes("512M"), 512ull << 20);
  EXPECT_EQ(parse_size_bytes("1T"), 1ull << 40);
  EXPECT_EQ(parse_size_bytes("4k"), 4096u);
  EXPECT_EQ(parse_size_bytes("4096"), 4096u);
  EXPECT_EQ(parse_size_bytes("1.5G"), 3ull << 29);
  EXPECT_EQ(parse_size_bytes("0.5T"), 1ull << 39);
  for (const char* bad : {"", "G", "1.5", "-1G", "1GB", "x", "1.G", "99999999999999999999", "20000000000T"})
    EXPECT_FALSE(parse_size_bytes(bad)) << bad;
}

TEST(Sizes, Format) {
  EXPECT_EQ(format_size_gib(32), "32G");
  EXPECT_EQ(format_size_bytes(32ull << 30), "32G");
  EXPECT_EQ(format_size_bytes(1536ull << 20), "1536M");
  EXPECT_EQ(format_size_bytes(2ull << 40), "2T");
  EXPECT_EQ(format_size_bytes(7), "7");
  EXPECT_EQ(format_size_bytes(0), "0");
  EXPECT_EQ(parse_size_bytes(format_size_bytes(123456789)), 123456789u);
}

}  // namespace
