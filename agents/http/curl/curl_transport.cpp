// libralph-curl.so: the HTTP agents' transfers over libcurl.
#include "agents/http/curl_transport.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include <curl/curl.h>

#include "core/plugin/plugin.hpp"

namespace ralph::agents::http {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter { void operator()(CURL* c) const { curl_easy_cleanup(c); } };
struct MultiDeleter { void operator()(CURLM* m) const { curl_multi_cleanup(m); } };
struct SlistDeleter { void operator()(curl_slist* l) const { curl_slist_free_all(l); } };

struct TransferState {
  CURL* easy = nullptr;
  const BodySink* on_body = nullptr;
  HttpResponse* response = nullptr;
  std::chrono::steady_clock::time_point last_byte;
};

std::size_t on_write(char* data, std::size_t size, std::size_t n, void* user) {
  auto* st = static_cast<TransferState*>(user);
  st->last_byte = std::chrono::steady_clock::now();
  long status = 0;
  curl_easy_getinfo(st->easy, CURLINFO_RESPONSE_CODE, &status);
  st->response->status = status;
  (*st->on_body)(status, std::string_view(data, size * n));
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* st = static_cast<TransferState*>(user);
  st->last_byte = std::chrono::steady_clock::now();
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    st->response->headers.clear(); // a new response (after 100 Continue or a redirect)
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  st->response->headers[name] = std::string(value);
  return size * n;
}

} // namespace

HttpResponse perform_post_with_curl(const HttpRequest& req, const TransferLimits& limits, const BodySink& on_body) {
  global_init();
  HttpResponse resp;
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
  if (!easy || !multi) {
    resp.end = TransferEnd::transport_error;
    resp.error = "libcurl initialisation failed";
    return resp;
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& h : req.headers) {
    curl_slist* l = curl_slist_append(headers.get(), h.c_str());
    if (l) {
      (void)headers.release();
      headers.reset(l);
    }
  }
  TransferState st{easy.get(), &on_body, &resp, std::chrono::steady_clock::now()};
  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &st);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &st);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 30'000L);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); // whatever libcurl can decode
  curl_easy_setopt(e, CURLOPT_USERAGENT, "ralph/" RALPH_VERSION);
  curl_multi_add_handle(multi.get(), e);

  for (;;) {
    int running = 0;
    curl_multi_perform(multi.get(), &running);
    if (running == 0) break;
    auto now = std::chrono::steady_clock::now();
    if (limits.cancel && limits.cancel->cancelled()) { resp.end = TransferEnd::cancelled; break; }
    if (limits.deadline && now >= *limits.deadline) { resp.end = TransferEnd::deadline; break; }
    if (limits.inactivity && now - st.last_byte >= *limits.inactivity) {
      resp.end = TransferEnd::inactivity;
      break;
    }
    auto wait = std::chrono::milliseconds(1000);
    if (limits.deadline)
      wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(*limits.deadline - now));
    if (limits.inactivity)
      wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(st.last_byte + *limits.inactivity - now));
    wait = std::max(wait, std::chrono::milliseconds(1));
    curl_waitfd extra{};
    unsigned extra_n = 0;
    if (limits.cancel && limits.cancel->fd() >= 0) {
      extra.fd = limits.cancel->fd();
      extra.events = CURL_WAIT_POLLIN;
      extra_n = 1;
    }
    curl_multi_poll(multi.get(), extra_n ? &extra : nullptr, extra_n, static_cast<int>(wait.count()), nullptr);
  }

  if (resp.end == TransferEnd::done) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      if (msg->data.result != CURLE_OK) {
        resp.end = TransferEnd::transport_error;
        resp.error = curl_easy_strerror(msg->data.result);
      }
    }
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp.status);
  }
  curl_multi_remove_handle(multi.get(), e);
  return resp;
}

} // namespace ralph::agents::http

RALPH_PLUGIN_EXPORT const char* ralph_plugin_abi() { return RALPH_PLUGIN_ABI; }

RALPH_PLUGIN_EXPORT void ralph_curl_perform_post(const ralph::agents::http::HttpRequest& req,
                                                 const ralph::agents::http::TransferLimits& limits,
                                                 const ralph::agents::http::BodySink& on_body,
                                                 ralph::agents::http::HttpResponse& out) {
  static_assert(std::is_same_v<decltype(&ralph_curl_perform_post), ralph::agents::http::PerformPostFn>);
  out = ralph::agents::http::perform_post_with_curl(req, limits, on_body);
}
