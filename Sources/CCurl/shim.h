#ifndef LIENTHONG_CCURL_SHIM_H
#define LIENTHONG_CCURL_SHIM_H

#include <curl/curl.h>
#include <stddef.h>

/* glibc's memmem, for MultipartBody's boundary check: a GNU extension that Glibc's module map
   leaves out (it is declared only under _GNU_SOURCE). */
void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

/* curl_easy_setopt / getinfo are variadic: one typed wrapper per argument type.
   The C type must match what libcurl reads (long, not int). */
typedef size_t (*lt_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode lt_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lt_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lt_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lt_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lt_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lt_curl_setopt_data_callback(CURL *h, CURLoption o, lt_curl_data_callback v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode lt_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode lt_curl_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode lt_curl_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode lt_curl_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode lt_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

static inline long lt_CURL_GLOBAL_DEFAULT(void) { return CURL_GLOBAL_DEFAULT; }

/* Progress callback (CURLOPT_XFERINFOFUNCTION): a non-zero return aborts the transfer. */
typedef int (*lt_curl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                                         curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode lt_curl_setopt_xferinfo_callback(CURL *h, CURLoption o, lt_curl_xferinfo_callback v) { return curl_easy_setopt(h, o, v); }

/* PEM material handed over in memory (CURLOPT_SSLCERT_BLOB, _SSLKEY_BLOB, _CAINFO_BLOB): libcurl copies it. */
static inline CURLcode lt_curl_setopt_blob_copy(CURL *h, CURLoption o, const void *data, size_t len) {
    struct curl_blob blob = { (void *)data, len, CURL_BLOB_COPY };
    return curl_easy_setopt(h, o, &blob);
}

static inline CURLSHcode lt_curl_share_setopt_long(CURLSH *s, CURLSHoption o, long v) { return curl_share_setopt(s, o, v); }

/* CURLMsg's result sits in a union Swift reads awkwardly. */
static inline CURLcode lt_curl_msg_result(const CURLMsg *m) { return m->data.result; }
static inline int lt_curl_msg_is_done(const CURLMsg *m) { return m->msg == CURLMSG_DONE; }

#endif
