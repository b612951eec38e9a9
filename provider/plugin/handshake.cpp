#include "provider/plugin/handshake.h"

#include <charconv>

#include "provider/plugin/mtls.h"

namespace sarga::plugin {

std::string not_a_plugin_message(std::string_view program) {
  std::string name(program.empty() ? "this program" : program);
  return "This binary is a plugin (" + name +
         "). It is not meant to be run directly.\n"
         "OpenTofu or Terraform starts it when a configuration uses the provider: run `tofu init`\n"
         "and `tofu plan` in a directory whose configuration requires it.\n"
         "To start it by hand for debugging, run it with -debug and export the printed\n"
         "TF_REATTACH_PROVIDERS in the shell where you run tofu.\n";
}

Negotiation negotiate_version(std::optional<std::string_view> offered) {
  Negotiation result;
  if (!offered.has_value() || offered->empty()) {
    result.error =
        "PLUGIN_PROTOCOL_VERSIONS is not set: the plugin host must offer plugin protocol "
        "versions; this provider speaks only protocol 6 (OpenTofu >= 1.6, Terraform >= 1.0)";
    return result;
  }
  std::string_view rest = *offered;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    int value = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec == std::errc() && end == item.data() + item.size() && value == kAppProtocolVersion) {
      result.version = kAppProtocolVersion;
      return result;
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  result.error = "PLUGIN_PROTOCOL_VERSIONS=\"" + std::string(*offered) +
                 "\" does not include 6: this provider speaks only plugin protocol 6 "
                 "(OpenTofu >= 1.6, Terraform >= 1.0)";
  return result;
}

std::string handshake_line(int app_version, const Endpoint& endpoint, std::string_view cert_der) {
  return std::to_string(kCoreProtocolVersion) + "|" + std::to_string(app_version) + "|" +
         endpoint.network + "|" + endpoint.address + "|grpc|" + base64_raw_std(cert_der);
}

}  // namespace sarga::plugin
