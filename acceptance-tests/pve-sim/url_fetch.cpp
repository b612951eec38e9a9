#include "acceptance-tests/pve-sim/url_fetch.h"

#include <curl/curl.h>

#include <memory>

namespace sarga::pvesim {

namespace {

struct Sink {
  std::string* data;
  size_t max;
  bool too_big = false;
};

size_t on_data(char* ptr, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  if (sink->data->size() + size * n > sink->max) {
    sink->too_big = true;
    return 0;
  }
  sink->data->append(ptr, size * n);
  return size * n;
}

bool loopback_host(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return false;
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  std::string host;
  if (!authority.empty() && authority[0] == '[') {
    host = authority.substr(1, authority.find(']') - 1);
  } else {
    host = authority.substr(0, authority.find(':'));
  }
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

FetchResult fetch_url(const std::string& url, bool verify_certificates, size_t max_bytes) {
  FetchResult r;
  bool is_file = url.rfind("file://", 0) == 0;
  if (!is_file && !loopback_host(url)) {
    r.error = "pve-sim only downloads from loopback hosts or file:// URLs: '" + url + "'";
    return r;
  }
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    r.error = "download failed: cannot initialise libcurl";
    return r;
  }
  Sink sink{&r.data, max_bytes};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, verify_certificates ? 1L : 0L);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, verify_certificates ? 2L : 0L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    r.error = sink.too_big ? "download failed: file too large for pve-sim"
                           : std::string("download failed: ") + (errbuf[0] ? errbuf : curl_easy_strerror(rc));
    r.data.clear();
    return r;
  }
  r.ok = true;
  return r;
}

}  // namespace sarga::pvesim
