#include "provider/cty/error.h"

namespace sarga::cty {
namespace {

std::string format(const Path& path, const std::string& message) {
  if (path.empty()) return message;
  return path.to_string() + ": " + message;
}

}  // namespace

PathError::PathError(Path path, const std::string& message)
    : std::runtime_error(format(path, message)), path_(std::move(path)), message_(message) {}

}  // namespace sarga::cty
