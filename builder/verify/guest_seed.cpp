#include "builder/verify/guest_seed.h"

#include <nlohmann/json.hpp>

#include <random>

namespace sarga::verify {
namespace {

// Single-quoted for sh: nothing inside is special except the quote itself.
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// JSON strings are valid YAML double-quoted scalars with every special character escaped.
std::string yaml_quoted(const std::string& s) { return nlohmann::json(s).dump(); }

}  // namespace

std::string make_nonce() {
  std::random_device rd;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string out;
  for (int i = 0; i < 16; ++i) out += "0123456789abcdef"[digit(rd)];
  return out;
}

std::string commands_script(const std::string& nonce, const std::vector<std::string>& commands) {
  const std::string tag = std::string(kConsoleTag) + " " + nonce;
  std::string s =
      "#!/bin/sh\n"
      "# sarga-build qemu-verify: runs each inline command, reports its exit code on the\n"
      "# serial console so the host can tell which one failed.\n"
      "exec >/dev/ttyS0 2>&1 </dev/null\n";
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    s += "echo " + sh_quote(tag + " command " + n + " start") + "\n";
    s += "sh -c " + sh_quote(commands[i]) + "\n";
    s += "echo \"" + tag + " command " + n + " exit $?\"\n";
  }
  return s;
}

std::string verify_user_data(const std::string& nonce, const std::vector<std::string>& commands) {
  std::string doc =
      "#cloud-config\n"
      "hostname: " + std::string(kVerifyHostname) + "\n"
      "ssh_pwauth: false\n"
      "final_message: " + yaml_quoted(std::string(kConsoleTag) + " " + nonce + " finished after $UPTIME s") + "\n";
  if (!commands.empty()) {
    doc += "write_files:\n"
           "  - path: /run/sarga-verify/commands.sh\n"
           "    permissions: \"0700\"\n"
           "    content: " + yaml_quoted(commands_script(nonce, commands)) + "\n"
           "runcmd:\n"
           "  - [sh, /run/sarga-verify/commands.sh]\n";
  }
  return doc;
}

cloudinit::SeedInput verify_seed_input(const std::string& nonce, const std::vector<std::string>& commands) {
  cloudinit::SeedInput in;
  in.hostname = kVerifyHostname;
  in.user_data = verify_user_data(nonce, commands);
  return in;
}

}  // namespace sarga::verify
