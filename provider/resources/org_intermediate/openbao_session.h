// An OpenBao client for one resource call: provider settings, cancellation wired to
// StopProvider, and error texts that say what to fix.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "lib/openbao/client.h"
#include "provider/framework/context.h"
#include "provider/framework/diagnostics.h"

namespace sarga::resources::org_intermediate {

class OpenBaoSession {
 public:
  // nullptr plus an error diagnostic when the provider has no OpenBao settings.
  static std::unique_ptr<OpenBaoSession> open(const framework::Context& ctx, framework::Diagnostics& diags);
  ~OpenBaoSession();
  OpenBaoSession(const OpenBaoSession&) = delete;
  OpenBaoSession& operator=(const OpenBaoSession&) = delete;

  const openbao::Client& client() const { return *client_; }

 private:
  OpenBaoSession() = default;
  std::atomic<bool> stop_{false};
  framework::CancelToken token_;
  uint64_t callback_ = 0;
  std::unique_ptr<openbao::Client> client_;
};

// "<what>: <OpenBao's error>" plus a hint for permission and missing-path errors.
std::string explain(const std::string& what, const std::exception& e);

}  // namespace sarga::resources::org_intermediate
