#include "builder/publish/pve_connect.h"

#include <stdexcept>

namespace sarga::publish {

void require_settings(const std::string& what, std::initializer_list<std::pair<const std::string*, const char*>> fields) {
  for (const auto& [value, name] : fields)
    if (value->empty()) throw std::runtime_error(what + ": " + name + " is required");
}

pve::Client connect_to_pve(const PveTarget& t, const PublishContext& ctx) {
  pve::ClientOptions o;
  o.endpoint = t.endpoint;
  o.token = t.token;
  o.tls.ca_file = t.ca_file;
  o.tls.pinned_sha256 = t.fingerprint;
  o.tls.insecure = t.insecure;
  o.cancel = ctx.cancel;
  if (t.insecure && ctx.log) ctx.log("WARNING: TLS verification is off (insecure = true)");
  try {
    return pve::Client(o);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(t.what + ": " + e.what());
  }
}

}  // namespace sarga::publish
