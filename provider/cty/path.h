// Attribute paths into cty values, shaped like tfplugin6 AttributePath steps:
// attribute name, element key string (maps), element key int (lists, tuples).
// Set elements have no key on the wire; cty's own errors name a set element by its
// position in the encoded array (an int step), which is good for humans only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sarga::cty {

struct PathStep {
  enum class Kind { Attribute, ElementKeyString, ElementKeyInt };
  Kind kind = Kind::Attribute;
  std::string name;  // Attribute name or string key
  int64_t index = 0;  // ElementKeyInt

  static PathStep attribute(std::string name);
  static PathStep key(std::string key);
  static PathStep index_of(int64_t index);

  friend bool operator==(const PathStep&, const PathStep&) = default;
};

class Path {
 public:
  Path() = default;
  explicit Path(std::vector<PathStep> steps) : steps_(std::move(steps)) {}

  // Return a copy extended by one step.
  Path attribute(std::string name) const;
  Path key(std::string key) const;
  Path index(int64_t index) const;

  // In-place variants (cheap when building paths during a walk).
  void push_attribute(std::string name);
  void push_key(std::string key);
  void push_index(int64_t index);
  void pop() { steps_.pop_back(); }

  const std::vector<PathStep>& steps() const { return steps_; }
  bool empty() const { return steps_.empty(); }
  size_t size() const { return steps_.size(); }

  // `network_config`, `part[0].content`, `tags["env"]`; the empty path is "".
  // Attribute names that are not identifiers are shown as ["name"].
  std::string to_string() const;

  friend bool operator==(const Path&, const Path&) = default;

 private:
  std::vector<PathStep> steps_;
};

}  // namespace sarga::cty
