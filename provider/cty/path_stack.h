// Internal: a cheap path tracker for the codecs. Steps reference names owned by the input
// or the type being walked; a real Path is only built when an error is reported.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "provider/cty/path.h"

namespace sarga::cty::internal {

class PathStack {
 public:
  PathStack() { steps_.reserve(32); }
  void push_attribute(std::string_view name) { steps_.push_back({PathStep::Kind::Attribute, name, 0}); }
  void push_key(std::string_view key) { steps_.push_back({PathStep::Kind::ElementKeyString, key, 0}); }
  void push_index(int64_t i) { steps_.push_back({PathStep::Kind::ElementKeyInt, {}, i}); }
  void set_index(int64_t i) { steps_.back().index = i; }
  void pop() { steps_.pop_back(); }
  size_t depth() const { return steps_.size(); }

  Path to_path() const {
    Path p;
    for (const auto& s : steps_) {
      switch (s.kind) {
        case PathStep::Kind::Attribute: p.push_attribute(std::string(s.name)); break;
        case PathStep::Kind::ElementKeyString: p.push_key(std::string(s.name)); break;
        case PathStep::Kind::ElementKeyInt: p.push_index(s.index); break;
      }
    }
    return p;
  }

 private:
  struct Step {
    PathStep::Kind kind;
    std::string_view name;
    int64_t index;
  };
  std::vector<Step> steps_;
};

}  // namespace sarga::cty::internal
