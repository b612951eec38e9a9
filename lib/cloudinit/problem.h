// A validation problem tied to the attribute it is about, so tofu can point at the HCL line.
#pragma once

#include <string>
#include <vector>

#include "lib/cloudinit/path.h"

namespace sarga::cloudinit {

struct Problem {
  Path path;            // e.g. part[1].content
  std::string summary;  // one line: "Invalid cloud-config YAML"
  std::string detail;   // what is wrong and where: "line 3, column 5: ..."
};

using Problems = std::vector<Problem>;

}  // namespace sarga::cloudinit
