#pragma once

namespace sarga::framework {
class Provider;
}

namespace sarga::resources {
// Adds every resource, data source, ephemeral resource and function to the provider.
void register_all(framework::Provider& provider);
}  // namespace sarga::resources
