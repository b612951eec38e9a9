// The one exception type of lib/pki: a message that names what failed (and OpenSSL's own
// reason when there is one). Never carries key material.
#pragma once

#include <stdexcept>
#include <string>

namespace sarga::pki {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sarga::pki
