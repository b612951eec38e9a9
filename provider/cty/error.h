// Errors raised by the cty codecs, carrying the path of the offending value.
#pragma once

#include <stdexcept>
#include <string>

#include "provider/cty/path.h"

namespace sarga::cty {

// Base: what() is "<path>: <message>" (just the message at the root).
class PathError : public std::runtime_error {
 public:
  PathError(Path path, const std::string& message);
  const Path& path() const { return path_; }
  const std::string& message() const { return message_; }

 private:
  Path path_;
  std::string message_;
};

// Input bytes could not be decoded as the requested type.
class DecodeError : public PathError {
 public:
  using PathError::PathError;
};

// A value could not be encoded as the requested type (does not conform, or JSON unknown).
class EncodeError : public PathError {
 public:
  using PathError::PathError;
};

}  // namespace sarga::cty
