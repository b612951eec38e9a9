// Resolves libcurl's entry points once, on the first call, with dlopen/dlsym.
#include "lib/http/curl_lazy.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <mutex>
#include <stdexcept>
#include <string>

namespace sarga::http::curl_lazy {
namespace {

struct Api {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  CURLcode (*easy_perform)(CURL*);
  void (*easy_reset)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
  curl_mime* (*mime_init)(CURL*);
  void (*mime_free)(curl_mime*);
  curl_mimepart* (*mime_addpart)(curl_mime*);
  CURLcode (*mime_name)(curl_mimepart*, const char*);
  CURLcode (*mime_data)(curl_mimepart*, const char*, size_t);
  CURLcode (*mime_filedata)(curl_mimepart*, const char*);
  CURLcode (*mime_filename)(curl_mimepart*, const char*);
  CURLcode (*mime_type)(curl_mimepart*, const char*);
};

template <class Fn>
void bind(void* lib, Fn& fn, const char* name) {
  void* symbol = ::dlsym(lib, name);
  if (symbol == nullptr) throw std::runtime_error(std::string("libcurl.so.4 lacks ") + name + "; libcurl 7.56 or newer is needed");
  fn = reinterpret_cast<Fn>(symbol);
}

const Api& api() {
  static Api table;
  static std::once_flag once;
  std::call_once(once, [] {
    // Never closed: handles may live until exit.
    void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* why = ::dlerror();
      throw std::runtime_error(std::string("cannot load libcurl (install the Debian package libcurl4): ") +
                               (why ? why : "libcurl.so.4 not found"));
    }
    bind(lib, table.global_init, "curl_global_init");
    bind(lib, table.easy_init, "curl_easy_init");
    bind(lib, table.easy_cleanup, "curl_easy_cleanup");
    bind(lib, table.easy_perform, "curl_easy_perform");
    bind(lib, table.easy_reset, "curl_easy_reset");
    bind(lib, table.easy_strerror, "curl_easy_strerror");
    bind(lib, table.easy_setopt, "curl_easy_setopt");
    bind(lib, table.easy_getinfo, "curl_easy_getinfo");
    bind(lib, table.slist_append, "curl_slist_append");
    bind(lib, table.slist_free_all, "curl_slist_free_all");
    bind(lib, table.mime_init, "curl_mime_init");
    bind(lib, table.mime_free, "curl_mime_free");
    bind(lib, table.mime_addpart, "curl_mime_addpart");
    bind(lib, table.mime_name, "curl_mime_name");
    bind(lib, table.mime_data, "curl_mime_data");
    bind(lib, table.mime_filedata, "curl_mime_filedata");
    bind(lib, table.mime_filename, "curl_mime_filename");
    bind(lib, table.mime_type, "curl_mime_type");
  });
  return table;
}

}  // namespace

CURLcode global_init(long flags) { return api().global_init(flags); }
CURL* easy_init() { return api().easy_init(); }
void easy_cleanup(CURL* handle) { api().easy_cleanup(handle); }
CURLcode easy_perform(CURL* handle) { return api().easy_perform(handle); }
void easy_reset(CURL* handle) { api().easy_reset(handle); }
const char* easy_strerror(CURLcode code) { return api().easy_strerror(code); }

// libcurl reads the argument by the option's type range (CURLOPTTYPE_*); so do we.
CURLcode easy_setopt(CURL* handle, CURLoption option, ...) {
  va_list args;
  va_start(args, option);
  CURLcode result;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    result = api().easy_setopt(handle, option, va_arg(args, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    result = api().easy_setopt(handle, option, va_arg(args, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    result = api().easy_setopt(handle, option, va_arg(args, void (*)()));
  } else if (option < CURLOPTTYPE_BLOB) {
    result = api().easy_setopt(handle, option, va_arg(args, curl_off_t));
  } else {
    result = api().easy_setopt(handle, option, va_arg(args, void*));
  }
  va_end(args);
  return result;
}

// Every CURLINFO_* takes a pointer to the result.
CURLcode easy_getinfo(CURL* handle, CURLINFO info, ...) {
  va_list args;
  va_start(args, info);
  void* out = va_arg(args, void*);
  va_end(args);
  return api().easy_getinfo(handle, info, out);
}

curl_slist* slist_append(curl_slist* list, const char* text) { return api().slist_append(list, text); }
void slist_free_all(curl_slist* list) { api().slist_free_all(list); }
curl_mime* mime_init(CURL* handle) { return api().mime_init(handle); }
void mime_free(curl_mime* mime) { api().mime_free(mime); }
curl_mimepart* mime_addpart(curl_mime* mime) { return api().mime_addpart(mime); }
CURLcode mime_name(curl_mimepart* part, const char* name) { return api().mime_name(part, name); }
CURLcode mime_data(curl_mimepart* part, const char* data, size_t size) { return api().mime_data(part, data, size); }
CURLcode mime_filedata(curl_mimepart* part, const char* path) { return api().mime_filedata(part, path); }
CURLcode mime_filename(curl_mimepart* part, const char* name) { return api().mime_filename(part, name); }
CURLcode mime_type(curl_mimepart* part, const char* type) { return api().mime_type(part, type); }

}  // namespace sarga::http::curl_lazy
