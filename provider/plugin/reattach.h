// TF_REATTACH_PROVIDERS for a provider started by hand with -debug (protocol.md 1.8).
#pragma once

#include <string>

#include "provider/plugin/handshake.h"

namespace sarga::plugin {

// {"<address>":{"Protocol":"grpc","ProtocolVersion":6,"Pid":pid,"Test":true,
//   "Addr":{"Network":..,"String":..}}} on one line. "Test": true is what makes OpenTofu
// keep protocol 6 (and neither Shutdown nor kill the server between commands).
std::string reattach_json(const std::string& provider_address, int pid, const Endpoint& endpoint);

// The text -debug prints on stdout for a person. One line starts exactly with
// "TF_REATTACH_PROVIDERS='" and ends with "'", so scripts can grep it.
std::string reattach_instructions(const std::string& provider_address, int pid,
                                  const Endpoint& endpoint);

}  // namespace sarga::plugin
