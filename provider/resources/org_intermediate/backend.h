// What each backend ("openbao", "local") does for the resource. The resource owns the plan
// logic; a backend talks to its key store and fills the state.
#pragma once

#include <memory>

#include "provider/framework/context.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/model.h"
#include "provider/resources/org_intermediate/spec.h"

namespace sarga::resources::org_intermediate {

class CaBackend {
 public:
  virtual ~CaBackend() = default;
  // Creates the CA into `state` (which starts as the plan); sets `created` as soon as
  // something exists remotely, so a later failure taints instead of orphaning it.
  virtual void create(const OrgSpec& spec, const framework::Context& ctx, framework::Model& state,
                      bool& created, framework::Diagnostics& diags) = 0;
  // In-place changes; with `reissue` a new certificate for the same key.
  virtual void update(const OrgSpec& spec, const framework::Model& prior, bool reissue,
                      const framework::Context& ctx, framework::Model& state,
                      framework::Diagnostics& diags) = 0;
  // Refreshes `state` from the key store; false when the CA is gone (drift).
  virtual bool read(const framework::Context& ctx, framework::Model& state,
                    framework::Diagnostics& diags) = 0;
  virtual void destroy(const framework::Model& state, const framework::Context& ctx,
                       framework::Diagnostics& diags) = 0;
};

std::unique_ptr<CaBackend> make_openbao_backend();
std::unique_ptr<CaBackend> make_local_backend();

}  // namespace sarga::resources::org_intermediate
