// The host side of qemu-guest-agent's channel (a unix socket qemu serves): guest-sync then
// guest-ping, one JSON object per line, to prove the agent inside the guest answers.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

namespace sarga::verify {

// True when the agent answered both within `budget`. `detail` says what was last seen or
// why not (for the error message). Returns early (false) when *cancel becomes true.
bool ping_guest_agent(const std::filesystem::path& socket, std::chrono::milliseconds budget,
                      const std::atomic<bool>* cancel, std::string& detail);

}  // namespace sarga::verify
