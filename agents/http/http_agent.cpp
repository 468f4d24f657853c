#include "agents/http/http_agent.hpp"

#include <poll.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "agents/http/curl_transport.hpp"
#include "agents/http/retry_policy.hpp"
#include "agents/http/sse_parser.hpp"
#include "core/log/redact.hpp"
#include "core/pricing/pricing.hpp"

namespace ralph::agents {

namespace {

using namespace std::chrono_literals;
using http::Protocol;

constexpr std::size_t k_log_limit = 64 * 1024 * 1024;
constexpr std::size_t k_error_body_limit = 64 * 1024;
// A server asking for a longer pause ends the iteration as `limit`, so the
// loop (which can outlive a process restart) does the waiting.
constexpr auto k_max_inline_wait = 60s;

// Appends raw response bytes to the iteration log, up to k_log_limit.
class BoundedLog {
public:
  explicit BoundedLog(const std::filesystem::path& p) {
    if (!p.empty()) m_out.open(p, std::ios::binary | std::ios::trunc);
  }
  void write(std::string_view bytes) {
    if (!m_out.is_open() || m_written >= k_log_limit) return;
    auto n = std::min(bytes.size(), k_log_limit - m_written);
    m_out.write(bytes.data(), static_cast<std::streamsize>(n));
    m_out.flush();
    m_written += n;
  }

private:
  std::ofstream m_out;
  std::size_t m_written = 0;
};

std::string lookup_env(const std::string& var, const IterationRequest& req, const AgentSettings& s) {
  std::string prefix = var + "=";
  for (const auto& kv : req.env)
    if (kv.starts_with(prefix)) return kv.substr(prefix.size());
  if (auto it = s.env.find(var); it != s.env.end()) return it->second;
  const char* v = std::getenv(var.c_str());
  return v ? v : "";
}

bool is_loopback(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  if (auto at = url.find('@'); at != std::string_view::npos && at < url.find('/')) url.remove_prefix(at + 1);
  std::string_view host;
  if (url.starts_with('[')) {
    host = url.substr(1, url.find(']') - 1);
  } else {
    host = url.substr(0, url.find_first_of(":/"));
  }
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string header(const http::HttpResponse& r, const char* name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string{} : it->second;
}

FaultKind fault_for_stream_error(const std::string& type) {
  if (type == "rate_limit_error") return FaultKind::limit;
  if (type == "authentication_error" || type == "permission_error") return FaultKind::auth;
  if (type == "invalid_request_error" || type == "not_found_error") return FaultKind::config;
  if (type == "overloaded_error" || type == "api_error" || type == "server_error") return FaultKind::infra;
  return FaultKind::agent;
}

// Sleeps before the next attempt, waking at once on cancel (the loop then
// reports it). False when the wait is too long to spend inside the iteration.
bool pause_for_retry(std::chrono::milliseconds wait, const IterationRequest& req, const util::CancelSource& cancel) {
  if (wait > k_max_inline_wait) return false;
  if (req.deadline && std::chrono::steady_clock::now() + wait >= *req.deadline) return false;
  pollfd pfd{cancel.fd(), POLLIN, 0};
  auto until = std::chrono::steady_clock::now() + wait;
  while (!cancel.cancelled()) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    ::poll(&pfd, pfd.fd >= 0 ? 1 : 0, static_cast<int>(left.count()));
  }
  return true;
}

class HttpAgent final : public Agent {
public:
  HttpAgent(std::string name, AgentSettings settings, AgentContext ctx, Protocol protocol)
      : m_name(std::move(name)), m_settings(std::move(settings)), m_ctx(ctx), m_protocol(protocol) {
    if (!m_settings.api_key.empty()) log::register_secret(m_settings.api_key);
  }

  std::string_view name() const override { return m_name; }
  bool reports_usage() const override { return true; }

  IterationResult run(const IterationRequest& req, EventSink& sink, const util::CancelSource& cancel) override;

private:
  std::string_view api() const { return m_protocol == Protocol::anthropic ? "anthropic" : "openai"; }
  std::string base_url() const {
    if (!m_settings.base_url.empty()) return trim_slash(m_settings.base_url);
    return m_protocol == Protocol::anthropic ? "https://api.anthropic.com" : "https://api.openai.com/v1";
  }
  std::string model_for(const IterationRequest& req) const {
    if (!req.model.empty()) return req.model;
    return m_protocol == Protocol::anthropic ? "claude-sonnet-4-5" : "gpt-5";
  }
  std::optional<std::string> resolve_key(const IterationRequest& req, std::string& missing_var) const;
  http::HttpRequest build(const IterationRequest& req, const std::string& key) const;
  domain::Cost price(const std::string& requested, const std::string& reported, const domain::Usage& u) const {
    if (!reported.empty() && m_ctx.prices.find(reported)) return m_ctx.prices.compute(reported, u);
    return m_ctx.prices.compute(requested, u);
  }

  std::string m_name;
  AgentSettings m_settings;
  AgentContext m_ctx;
  Protocol m_protocol;
};

std::optional<std::string> HttpAgent::resolve_key(const IterationRequest& req, std::string& missing_var) const {
  if (!m_settings.api_key.empty()) return m_settings.api_key;
  std::string var = !m_settings.api_key_env.empty()
                        ? m_settings.api_key_env
                        : (m_protocol == Protocol::anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
  if (auto v = lookup_env(var, req, m_settings); !v.empty()) {
    log::register_secret(v);
    return v;
  }
  missing_var = var;
  // Local servers (Ollama, vLLM, llama.cpp, test servers) usually want no key.
  if (is_loopback(base_url())) return std::string("dummy");
  return std::nullopt;
}

http::HttpRequest HttpAgent::build(const IterationRequest& req, const std::string& key) const {
  nlohmann::json body;
  body["model"] = model_for(req);
  body["stream"] = true;
  body["messages"] = nlohmann::json::array({{{"role", "user"}, {"content", req.prompt}}});
  http::HttpRequest r;
  r.headers = {"Content-Type: application/json", "Accept: text/event-stream", "Expect:"};
  if (m_protocol == Protocol::anthropic) {
    body["max_tokens"] = m_settings.max_output_tokens;
    r.url = base_url() + "/v1/messages";
    r.headers.push_back("x-api-key: " + key);
    r.headers.push_back("anthropic-version: 2023-06-01");
  } else {
    // OpenAI's own API wants max_completion_tokens; compatible servers know max_tokens.
    body[m_settings.base_url.empty() ? "max_completion_tokens" : "max_tokens"] = m_settings.max_output_tokens;
    body["stream_options"] = {{"include_usage", true}};
    r.url = base_url() + "/chat/completions";
    r.headers.push_back("Authorization: Bearer " + key);
  }
  r.body = body.dump();
  return r;
}

IterationResult HttpAgent::run(const IterationRequest& req, EventSink& sink, const util::CancelSource& cancel) {
  IterationResult res;
  res.num_turns = 1;
  const std::string model = model_for(req);
  std::string missing_var;
  auto key = resolve_key(req, missing_var);
  if (!key) {
    res.fault = FaultKind::auth;
    res.error = std::string(api()) + " API key missing: set " + missing_var +
                " (or agents." + m_name + ".api_key / api_key_env)";
    return res;
  }
  const auto request = build(req, *key);
  BoundedLog log_file(req.log_path);
  const auto max_retries = std::max<std::int64_t>(0, m_settings.max_retries);

  for (std::int64_t attempt = 0;; ++attempt) {
    if (cancel.cancelled()) {
      res.fault = FaultKind::cancelled;
      res.error = "cancelled";
      return res;
    }
    http::StreamDecoder decoder(m_protocol);
    std::string error_body;
    std::size_t bytes = 0;
    auto on_body = [&](long status, std::string_view chunk) {
      bytes += chunk.size();
      if (status < 200 || status >= 300) {
        if (error_body.size() < k_error_body_limit)
          error_body.append(chunk.substr(0, k_error_body_limit - error_body.size()));
        return;
      }
      log_file.write(chunk);
      auto p = decoder.feed(chunk);
      if (!p.text.empty()) sink.on_text(p.text);
      if (p.usage_changed) sink.on_usage(decoder.usage(), price(model, decoder.model(), decoder.usage()));
    };
    http::TransferLimits limits{&cancel, req.deadline, req.inactivity_timeout};
    auto resp = http::perform_post(request, limits, on_body);
    res.output_bytes += bytes;

    auto fill_stream = [&] {
      auto p = decoder.finish();
      if (!p.text.empty()) sink.on_text(p.text);
      res.final_text = decoder.text();
      res.model = decoder.model().empty() ? model : decoder.model();
      res.session_id = decoder.message_id();
      res.usage = decoder.usage();
      res.usage_known = decoder.usage_known();
      res.cost = decoder.usage_known() ? price(model, decoder.model(), decoder.usage()) : domain::Cost::unknown();
    };

    switch (resp.end) {
    case http::TransferEnd::cancelled:
      fill_stream();
      res.fault = FaultKind::cancelled;
      res.error = "cancelled" + (cancel.reason().empty() ? std::string{} : ": " + cancel.reason());
      return res;
    case http::TransferEnd::deadline:
      fill_stream();
      res.fault = FaultKind::timeout;
      res.error = std::string(api()) + " request stopped at the iteration deadline";
      return res;
    case http::TransferEnd::inactivity:
      fill_stream();
      res.fault = FaultKind::timeout;
      res.error = std::string(api()) + " API sent nothing for " +
                  std::to_string(req.inactivity_timeout.value_or(0ms).count() / 1000) + " s";
      return res;
    case http::TransferEnd::transport_error:
    case http::TransferEnd::done:
      break;
    }

    http::AttemptFailure failure;
    if (resp.status >= 200 && resp.status < 300) {
      fill_stream();
      if (decoder.error()) {
        const auto& e = *decoder.error();
        res.fault = fault_for_stream_error(e.type);
        // An overload before any text was shown is worth another attempt.
        bool retryable = (res.fault == FaultKind::infra || res.fault == FaultKind::limit) && res.final_text.empty();
        if (retryable && attempt < max_retries &&
            pause_for_retry(http::backoff_for_attempt(static_cast<int>(attempt + 1)), req, cancel))
          continue;
        res.error = log::redact(std::string(api()) + " API error in the stream: " + e.type + ": " + e.message);
        return res;
      }
      if (resp.end == http::TransferEnd::transport_error) {
        res.fault = FaultKind::infra;
        res.error = log::redact(std::string(api()) + " API stream interrupted: " + resp.error);
        return res;
      }
      if (!decoder.complete()) {
        res.fault = FaultKind::infra;
        res.error = std::string(api()) + " API stream ended before its end event";
        return res;
      }
      res.fault = FaultKind::none;
      res.exit_code = 0;
      return res;
    }
    if (resp.end == http::TransferEnd::transport_error && resp.status == 0) {
      failure.status = 0;
    } else {
      failure.status = resp.status;
      log_file.write(log::redact(error_body));
    }
    failure.body = error_body;
    failure.retry_after = http::parse_retry_after(header(resp, "retry-after"), header(resp, "retry-after-ms"));
    auto decision = http::classify(failure);

    auto give_up = [&] {
      res.fault = decision.fault;
      res.retry_after = failure.retry_after;
      res.usage_known = true; // the server refused: no tokens were generated
      res.cost = m_ctx.prices.compute(model, {});
      res.model = model;
      std::string what = failure.status == 0
                             ? std::string(api()) + " API unreachable: " + resp.error
                             : std::string(api()) + " API ";
      if (failure.status != 0) {
        switch (decision.fault) {
        case FaultKind::auth: what += "rejected the key"; break;
        case FaultKind::limit: what += "rate or spend limit"; break;
        case FaultKind::config: what += "refused the request"; break;
        default: what += "failed"; break;
        }
        what += " (" + std::to_string(failure.status) + ")";
        if (auto s = http::error_summary(failure.body); !s.empty()) what += ": " + s;
      }
      if (attempt > 0) what += " after " + std::to_string(attempt) + " retries";
      res.error = log::redact(what);
      return res;
    };

    if (!decision.retry || attempt >= max_retries) return give_up();
    auto wait = failure.retry_after.value_or(http::backoff_for_attempt(static_cast<int>(attempt + 1)));
    if (!pause_for_retry(wait, req, cancel)) return give_up();
  }
}

} // namespace

std::unique_ptr<Agent> make_http_agent(const std::string& name, const AgentSettings& settings,
                                       AgentContext ctx) {
  if (settings.kind == "anthropic") return std::make_unique<HttpAgent>(name, settings, ctx, Protocol::anthropic);
  if (settings.kind == "openai") return std::make_unique<HttpAgent>(name, settings, ctx, Protocol::openai);
  return nullptr;
}

} // namespace ralph::agents
