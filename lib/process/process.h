// Running a host program to completion by fork/exec with an argv vector, never through a
// shell. One error type and one message format for every caller in the builder.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sarga::process {

// A program that could not be found or started, or that failed. The message names the
// program as the caller spelled it: "<program> failed (exit 3): <stderr tail>",
// "<program> failed (signal 9)", "<program> not found in PATH ...", "cannot execute ...".
class Error : public std::runtime_error {
 public:
  Error(std::string program, const std::string& message)
      : std::runtime_error(message), program_(std::move(program)) {}
  const std::string& program() const noexcept { return program_; }

 private:
  std::string program_;
};

struct Options {
  // Added to (and overriding) our environment. LC_ALL=C is set first so tool messages,
  // which end up in errors and logs, do not depend on the user's locale.
  std::map<std::string, std::string> env{};
  std::filesystem::path stdin_file{};  // empty: /dev/null
  bool combine_output = false;         // stderr into the stdout stream, interleaved as written
  // Each line of the stdout stream (without "\n") as it arrives, for live logs. When set,
  // Result::out keeps only the last 64 KiB (enough for the error message).
  std::function<void(const std::string&)> on_line{};
  bool check = true;  // throw Error unless the program exits 0
};

struct Result {
  int wait_status = 0;  // as waitpid() reports it
  std::string out;      // stdout (with stderr when combined)
  std::string err;      // the last 64 KiB of stderr; empty when combined
  bool ok() const;
  int exit_code() const;  // 128+signal when killed, as a shell reports it
};

// Runs argv to completion. Throws Error when the program cannot be found or started, and
// (with options.check) when it does not exit 0.
Result run(const std::vector<std::string>& argv, const Options& options = {});

// `name` looked up in PATH and then /usr/sbin and /sbin (sfdisk, mke2fs and debootstrap live
// there, and a non-root PATH often lacks them). A name with a '/' is returned unchanged.
std::optional<std::filesystem::path> find_program(const std::string& name);

// "exit status 1" / "signal 9" for a waitpid status.
std::string describe_status(int wait_status);

}  // namespace sarga::process
