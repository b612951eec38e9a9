// The minimum level comes from TF_LOG_PROVIDER, else TF_LOG.
#include <gtest/gtest.h>

#include <cstdlib>

#include "lib/log/log.h"

namespace sarga::log {
namespace {

TEST(LogEnv, ProviderVariableWins) {
  ::setenv("TF_LOG", "error", 1);
  ::setenv("TF_LOG_PROVIDER", "debug", 1);
  reload_level_from_env();
  EXPECT_EQ(min_level(), Level::Debug);
}

TEST(LogEnv, FallsBackToTfLog) {
  ::unsetenv("TF_LOG_PROVIDER");
  ::setenv("TF_LOG", "WARN", 1);
  reload_level_from_env();
  EXPECT_EQ(min_level(), Level::Warn);
}

TEST(LogEnv, NonLevelValueMeansTrace) {
  ::unsetenv("TF_LOG_PROVIDER");
  ::setenv("TF_LOG", "1", 1);
  reload_level_from_env();
  EXPECT_EQ(min_level(), Level::Trace);
}

TEST(LogEnv, OffDisablesEverything) {
  ::setenv("TF_LOG_PROVIDER", "off", 1);
  reload_level_from_env();
  EXPECT_FALSE(enabled(Level::Error));
}

TEST(LogEnv, DefaultIsInfo) {
  ::unsetenv("TF_LOG_PROVIDER");
  ::unsetenv("TF_LOG");
  reload_level_from_env();
  EXPECT_EQ(min_level(), Level::Info);
}

}  // namespace
}  // namespace sarga::log
