// Where in the seed's input a problem is: attribute names, map keys and list indexes
// (e.g. part[1].content). Framework-free, so the provider converts it to its own path type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sarga::cloudinit {

struct PathStep {
  enum class Kind { attribute, key, index };
  Kind kind = Kind::attribute;
  std::string name;    // attribute name or map key
  std::int64_t index = 0;  // list index

  friend bool operator==(const PathStep&, const PathStep&) = default;
};

class Path {
 public:
  Path() = default;

  // A copy extended by one step.
  Path attribute(std::string name) const;
  Path key(std::string key) const;
  Path index(std::int64_t index) const;

  const std::vector<PathStep>& steps() const { return steps_; }
  bool empty() const { return steps_.empty(); }

  // `network_config`, `part[0].content`, `meta_data["env"]`; the empty path is "".
  std::string to_string() const;

  friend bool operator==(const Path&, const Path&) = default;

 private:
  std::vector<PathStep> steps_;
};

}  // namespace sarga::cloudinit
