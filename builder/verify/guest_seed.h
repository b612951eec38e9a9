// The NoCloud seed qemu-verify boots with: cloud-init reports on the serial console, tagged
// with a per-run nonce, that it finished and what each inline command exited with.
#pragma once

#include <string>
#include <vector>

#include "lib/cloudinit/seed.h"

namespace sarga::verify {

inline constexpr const char* kVerifyHostname = "sarga-verify";
inline constexpr const char* kConsoleTag = "SARGA-VERIFY";

// 16 random hex digits: lines from an earlier boot (or echoed config) cannot pass as this run's.
std::string make_nonce();

// The shell script that runs each command and prints "SARGA-VERIFY <nonce> command <i> exit <code>"
// (i counts from 1) plus the command's output to /dev/ttyS0.
std::string commands_script(const std::string& nonce, const std::vector<std::string>& commands);

// cloud-config: hostname, final_message "SARGA-VERIFY <nonce> finished after $UPTIME s", and for
// the commands a script written by write_files and run by runcmd. No password, no SSH key.
std::string verify_user_data(const std::string& nonce, const std::vector<std::string>& commands);

cloudinit::SeedInput verify_seed_input(const std::string& nonce, const std::vector<std::string>& commands);

}  // namespace sarga::verify
