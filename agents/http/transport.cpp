// perform_post, forwarded to the libcurl plugin.
#include "agents/http/curl_transport.hpp"
#include "core/plugin/plugin.hpp"

namespace ralph::agents::http {

HttpResponse perform_post(const HttpRequest& req, const TransferLimits& limits, const BodySink& on_body) {
  auto entry = plugin::symbol(k_curl_plugin_file, k_perform_post_symbol);
  if (!entry) return {TransferEnd::transport_error, 0, {}, "HTTP agents are unavailable: " + entry.error()};
  HttpResponse response;
  reinterpret_cast<PerformPostFn>(*entry)(req, limits, on_body, response);
  return response;
}

} // namespace ralph::agents::http
