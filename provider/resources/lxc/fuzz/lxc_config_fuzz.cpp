// Fuzzes the reading of a container config as PVE returns it (outside input): one
// "key<TAB>value" per line. Bad values must end in std::invalid_argument naming the key,
// never in a crash; what parses must survive the update planning against itself.
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "provider/resources/lxc/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> config;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    size_t tab = line.find('\t');
    if (tab != std::string::npos) config[line.substr(0, tab)] = line.substr(tab + 1);
    start = end + 1;
  }
  try {
    sarga::resources::lxc::Spec spec = sarga::resources::lxc::spec_from_config(config);
    (void)sarga::resources::lxc::create_params(spec);
    (void)sarga::resources::lxc::update_steps(spec, spec, config);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
