#include "provider/resources/register.h"

#include "provider/framework/provider.h"
#include "provider/resources/cloudinit_seed/resource.h"
#include "provider/resources/functions/cloudinit_userdata.h"

namespace sarga::resources {

void register_all(framework::Provider& provider) {
  provider.add_resource(cloudinit_seed::make_resource());
  provider.add_function(functions::make_cloudinit_userdata());
}

}  // namespace sarga::resources
