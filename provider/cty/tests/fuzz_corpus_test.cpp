// Replays the fuzzer's seed corpus through the same property, so the seeds stay valid and
// the property is checked on every ordinary test run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "provider/cty/fuzz/roundtrip_property.h"

using namespace sarga::cty::fuzzing;

namespace {

using Property = bool (*)(std::string_view, Outcome*, std::string*);

void replay(const char* folder, Property property) {
  std::filesystem::path dir = std::filesystem::path(SARGA_SOURCE_DIR) / "provider/cty/fuzz" / folder;
  size_t seeds = 0, decoded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    Outcome outcome;
    std::string why;
    EXPECT_TRUE(property(buf.str(), &outcome, &why)) << entry.path() << ": " << why;
    EXPECT_EQ(outcome, Outcome::RoundTripped) << entry.path() << " is not valid for its type";
    ++seeds;
    if (outcome == Outcome::RoundTripped) ++decoded;
  }
  EXPECT_GE(seeds, 5u);
  EXPECT_EQ(decoded, seeds);
}

}  // namespace

TEST(CtyFuzzCorpus, MsgpackSeedsRoundTrip) { replay("corpus", check_round_trip); }

TEST(CtyFuzzCorpus, JsonSeedsRoundTrip) { replay("json_corpus", check_json_round_trip); }

TEST(CtyFuzzCorpus, PropertyRejectsGarbageQuietly) {
  Outcome outcome;
  std::string why;
  EXPECT_TRUE(check_round_trip(std::string("\x01\xc1", 2), &outcome, &why));  // 0xc1 is never valid
  EXPECT_EQ(outcome, Outcome::Rejected);
}
