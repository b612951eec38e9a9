#include "provider/resources/register.h"

#include "provider/framework/provider.h"
#include "provider/resources/bastion/power.h"
#include "provider/resources/bastion/session.h"
#include "provider/resources/cloudinit_seed/resource.h"
#include "provider/resources/datasources/data_sources.h"
#include "provider/resources/functions/cloudinit_userdata.h"
#include "provider/resources/lxc/resource.h"
#include "provider/resources/org_intermediate/resource.h"
#include "provider/resources/vm/resource.h"

namespace sarga::resources {

void register_all(framework::Provider& provider) {
  provider.add_resource(cloudinit_seed::make_resource());
  provider.add_resource(lxc::make_resource());
  provider.add_data_source(datasources::make_nodes());
  provider.add_data_source(datasources::make_lxc());
  provider.add_data_source(datasources::make_template());
  provider.add_resource(vm::make_resource());
  provider.add_data_source(vm::make_data_source());
  provider.add_resource(bastion::make_power_resource());
  provider.add_ephemeral_resource(bastion::make_session_resource());
  provider.add_resource(org_intermediate::make_resource());
  provider.add_function(functions::make_cloudinit_userdata());
}

}  // namespace sarga::resources
