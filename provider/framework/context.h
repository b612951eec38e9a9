// What every resource call receives besides its data: the configured provider settings and
// the cancellation token that StopProvider trips.
#pragma once

#include <memory>

#include "provider/framework/cancel.h"
#include "provider/framework/provider_config.h"

namespace sarga::framework {

struct Context {
  std::shared_ptr<const ProviderConfig> provider = std::make_shared<ProviderConfig>();
  CancelToken cancel;
};

}  // namespace sarga::framework
