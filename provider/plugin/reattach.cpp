#include "provider/plugin/reattach.h"

#include <nlohmann/json.hpp>

namespace sarga::plugin {

std::string reattach_json(const std::string& provider_address, int pid, const Endpoint& endpoint) {
  nlohmann::json entry = {
      {"Protocol", "grpc"},
      {"ProtocolVersion", kAppProtocolVersion},
      {"Pid", pid},
      {"Test", true},
      {"Addr", {{"Network", endpoint.network}, {"String", endpoint.address}}},
  };
  nlohmann::json all = nlohmann::json::object();
  all[provider_address] = entry;
  return all.dump();
}

std::string reattach_instructions(const std::string& provider_address, int pid,
                                  const Endpoint& endpoint) {
  return "Provider " + provider_address + " is serving in debug mode (plaintext, pid " +
         std::to_string(pid) +
         ").\n"
         "To use it, export this in the shell where you run tofu:\n\n"
         "TF_REATTACH_PROVIDERS='" + reattach_json(provider_address, pid, endpoint) +
         "'\n\n"
         "Stop the server with Ctrl-C.\n";
}

}  // namespace sarga::plugin
