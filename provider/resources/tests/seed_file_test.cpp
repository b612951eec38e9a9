// The seed image on disk: atomic replacement and removal (the resource's local mode).
#include "provider/resources/cloudinit_seed/seed_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sarga::resources::cloudinit_seed {
namespace {

TEST(SeedFile, AtomicWriteCreatesDirectoriesAndReplaces) {
  auto dir = std::filesystem::temp_directory_path() / ("seedfile-" + std::to_string(::getpid()));
  auto path = dir / "sub" / "seed.iso";
  write_file_atomically(path, "one");
  write_file_atomically(path, "two");
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "two");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "sub"), {}), 1);  // no temp left
  remove_file_if_present(path);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_NO_THROW(remove_file_if_present(path));
  EXPECT_THROW(write_file_atomically(dir / "sub", "x"), std::runtime_error);  // a directory
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sarga::resources::cloudinit_seed
