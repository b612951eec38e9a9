// libcurl, loaded on first use. Linked normally, libcurl and the ~30 libraries it needs
// (nghttp2, ssh2, ldap, krb5, ...) are mapped and relocated at every provider start: about
// 1.5 ms before main and 4 MB of resident memory, even for plans that never call an API.
// Including this header instead of <curl/curl.h> routes the curl_* calls of this library
// through pointers resolved from libcurl.so.4 the first time one is made.
#pragma once

#include <curl/curl.h>

namespace sarga::http::curl_lazy {

CURLcode global_init(long flags);
CURL* easy_init();
void easy_cleanup(CURL* handle);
CURLcode easy_perform(CURL* handle);
void easy_reset(CURL* handle);
const char* easy_strerror(CURLcode code);
// Options and info take one argument whose type follows from the option's number range,
// exactly as libcurl reads it.
CURLcode easy_setopt(CURL* handle, CURLoption option, ...);
CURLcode easy_getinfo(CURL* handle, CURLINFO info, ...);
curl_slist* slist_append(curl_slist* list, const char* text);
void slist_free_all(curl_slist* list);
curl_mime* mime_init(CURL* handle);
void mime_free(curl_mime* mime);
curl_mimepart* mime_addpart(curl_mime* mime);
CURLcode mime_name(curl_mimepart* part, const char* name);
CURLcode mime_data(curl_mimepart* part, const char* data, size_t size);
CURLcode mime_filedata(curl_mimepart* part, const char* path);
CURLcode mime_filename(curl_mimepart* part, const char* name);
CURLcode mime_type(curl_mimepart* part, const char* type);

}  // namespace sarga::http::curl_lazy

// curl.h's type-checking wrappers are macros with these names; ours replace them.
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init sarga::http::curl_lazy::global_init
#define curl_easy_init sarga::http::curl_lazy::easy_init
#define curl_easy_cleanup sarga::http::curl_lazy::easy_cleanup
#define curl_easy_perform sarga::http::curl_lazy::easy_perform
#define curl_easy_reset sarga::http::curl_lazy::easy_reset
#define curl_easy_strerror sarga::http::curl_lazy::easy_strerror
#define curl_easy_setopt sarga::http::curl_lazy::easy_setopt
#define curl_easy_getinfo sarga::http::curl_lazy::easy_getinfo
#define curl_slist_append sarga::http::curl_lazy::slist_append
#define curl_slist_free_all sarga::http::curl_lazy::slist_free_all
#define curl_mime_init sarga::http::curl_lazy::mime_init
#define curl_mime_free sarga::http::curl_lazy::mime_free
#define curl_mime_addpart sarga::http::curl_lazy::mime_addpart
#define curl_mime_name sarga::http::curl_lazy::mime_name
#define curl_mime_data sarga::http::curl_lazy::mime_data
#define curl_mime_filedata sarga::http::curl_lazy::mime_filedata
#define curl_mime_filename sarga::http::curl_lazy::mime_filename
#define curl_mime_type sarga::http::curl_lazy::mime_type
