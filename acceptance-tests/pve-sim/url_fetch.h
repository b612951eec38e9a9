// Fetches what download-url asks for. The simulator has no outside network: only
// loopback http(s) hosts and file:// URLs are fetched.
#pragma once

#include <string>

namespace sarga::pvesim {

struct FetchResult {
  bool ok = false;
  std::string error;  // PVE-style task error text when !ok
  std::string data;
};

FetchResult fetch_url(const std::string& url, bool verify_certificates, size_t max_bytes = 1ULL << 30);

}  // namespace sarga::pvesim
