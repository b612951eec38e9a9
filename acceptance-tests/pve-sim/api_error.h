// The error a handler throws to answer a request the way PVE does: an HTTP status, a message
// (PVE puts it in the status line and in the body's "message"), and for 400 answers the
// per-parameter `errors` map.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace sarga::pvesim {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string message, std::map<std::string, std::string> errors = {})
      : std::runtime_error(message), status_(status), errors_(std::move(errors)) {}

  int status() const { return status_; }
  const std::map<std::string, std::string>& errors() const { return errors_; }

 private:
  int status_;
  std::map<std::string, std::string> errors_;
};

// 400 "Parameter verification failed." with one parameter's message, as raise_param_exc does.
inline ApiError param_error(const std::string& param, const std::string& message) {
  return ApiError(400, "Parameter verification failed.", {{param, message}});
}

// 500 with PVE's text (PVE's `die "...\n"` inside an API handler).
inline ApiError server_error(const std::string& message) { return ApiError(500, message); }

}  // namespace sarga::pvesim
