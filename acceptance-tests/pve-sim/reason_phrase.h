// PVE puts its error text in the HTTP status line ("500 can't lock file ... - got timeout"),
// and clients such as proxmoxer show exactly that. cpp-httplib 0.11 always writes the
// standard phrase, so pve-sim interposes SSL_write: the worker thread that builds a response
// records its phrase here, and the status line of that thread's next response is rewritten.
// Executables must export SSL_write (-Wl,--export-dynamic-symbol=SSL_write) for this to apply.
#pragma once

#include <string>

namespace sarga::pvesim {

void set_reason_phrase(const std::string& phrase);  // for the calling thread's next response

// For tests: rewrites `response` (starting "HTTP/1.1 <code> <phrase>\r\n") with `phrase`.
std::string rewrite_status_line(const std::string& response, const std::string& phrase);

}  // namespace sarga::pvesim
