#pragma once
// One streamed HTTP POST through libcurl, stoppable at once by a cancel
// source, a deadline or an inactivity timeout (the multi interface polls the
// cancel fd together with the socket, so no stop waits for a progress tick).
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/cancel.hpp"

namespace ralph::agents::http {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers; // "Name: value"
  std::string body;
};

struct TransferLimits {
  const util::CancelSource* cancel = nullptr;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::optional<std::chrono::milliseconds> inactivity; // since the last byte received
};

enum class TransferEnd { done, cancelled, deadline, inactivity, transport_error };

struct HttpResponse {
  TransferEnd end = TransferEnd::done;
  long status = 0;                            // 0 when no response arrived
  std::map<std::string, std::string> headers; // names lower-cased; the last response's
  std::string error;                          // libcurl's message for transport_error
};

// Called with each chunk of the response body, and the HTTP status it belongs to.
using BodySink = std::function<void(long status, std::string_view chunk)>;

// Loads libralph-curl.so on first use (core/plugin/plugin.hpp says why);
// without it, every call ends in transport_error saying so.
HttpResponse perform_post(const HttpRequest& req, const TransferLimits& limits, const BodySink& on_body);

// The plugin's side.
HttpResponse perform_post_with_curl(const HttpRequest& req, const TransferLimits& limits, const BodySink& on_body);
inline constexpr const char* k_curl_plugin_file = "libralph-curl.so";
inline constexpr const char* k_perform_post_symbol = "ralph_curl_perform_post";
using PerformPostFn = void (*)(const HttpRequest& req, const TransferLimits& limits, const BodySink& on_body,
                               HttpResponse& out);

} // namespace ralph::agents::http
