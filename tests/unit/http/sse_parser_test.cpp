// The SSE framing and both stream decoders, fed whole and split at every byte.
#include <catch2/catch.hpp>

#include "agents/http/retry_policy.hpp"
#include "agents/http/sse_parser.hpp"
#include "core/log/redact.hpp"

using namespace ralph::agents::http;
using ralph::agents::FaultKind;
using ralph::domain::Usage;

namespace {

const std::string k_anthropic =
    "event: message_start\r\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\","
    "\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,"
    "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":40,\"cache_read_input_tokens\":300,\"output_tokens\":1}}}\r\n"
    "\r\n"
    ": keep-alive comment\n\n"
    "event: ping\ndata: {\"type\":\"ping\"}\n\n"
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo \\u00e9\\n\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\"\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
    "\"usage\":{\"output_tokens\":25,\"input_tokens\":null,\"cache_read_input_tokens\":310}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

const std::string k_openai =
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-5\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"model\":\"gpt-5\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi \"},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"model\":\"gpt-5\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"there\"},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"model\":\"gpt-5\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"model\":\"gpt-5\",\"choices\":[],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,"
    "\"total_tokens\":1500,\"prompt_tokens_details\":{\"cached_tokens\":300}}}\n\n"
    "data: [DONE]\n\n";

void check_anthropic(const StreamDecoder& d) {
  CHECK(d.text() == "Hello \xc3\xa9\n");
  CHECK(d.usage() == Usage{12, 25, 310, 40});
  CHECK(d.usage_known());
  CHECK(d.model() == "claude-sonnet-4-5-20250929");
  CHECK(d.message_id() == "msg_01");
  CHECK(d.stop_reason() == "end_turn");
  CHECK(d.complete());
  CHECK_FALSE(d.error());
  CHECK(d.bad_events() == 0);
}

void check_openai(const StreamDecoder& d) {
  CHECK(d.text() == "Hi there");
  CHECK(d.usage() == Usage{700, 500, 300, 0});
  CHECK(d.model() == "gpt-5");
  CHECK(d.stop_reason() == "stop");
  CHECK(d.complete());
  CHECK(d.bad_events() == 0);
}

} // namespace

TEST_CASE("SSE framing: fields, multi-line data, comments, line ends", "[sse]") {
  SseParser p;
  std::vector<SseEvent> out;
  p.feed("event: a\ndata: one\ndata:two\n\n: comment\n\nid: 7\nretry: 10\ndata: x\r\n\r\ndata: cr\r\rfoo: bar\n", out);
  REQUIRE(out.size() == 3);
  CHECK(out[0] == SseEvent{"a", "one\ntwo"});
  CHECK(out[1] == SseEvent{"", "x"});
  CHECK(out[2] == SseEvent{"", "cr"});
  p.feed("data: tail", out);
  CHECK(out.size() == 3);
  p.finish(out);
  REQUIRE(out.size() == 4);
  CHECK(out[3].data == "tail");
}

TEST_CASE("SSE framing: an event without data is not dispatched", "[sse]") {
  SseParser p;
  std::vector<SseEvent> out;
  p.feed("event: lonely\n\n", out);
  CHECK(out.empty());
}

TEST_CASE("Anthropic stream: usage from message_start, overridden by message_delta", "[sse]") {
  StreamDecoder d(Protocol::anthropic);
  auto p = d.feed(k_anthropic);
  CHECK(p.text == "Hello \xc3\xa9\n");
  CHECK(p.usage_changed);
  check_anthropic(d);
}

TEST_CASE("Anthropic stream split at every byte boundary", "[sse]") {
  for (std::size_t cut = 0; cut <= k_anthropic.size(); ++cut) {
    StreamDecoder d(Protocol::anthropic);
    std::string streamed = d.feed(std::string_view(k_anthropic).substr(0, cut)).text;
    streamed += d.feed(std::string_view(k_anthropic).substr(cut)).text;
    streamed += d.finish().text;
    INFO("cut at " << cut);
    CHECK(streamed == "Hello \xc3\xa9\n");
    check_anthropic(d);
  }
}

TEST_CASE("Anthropic stream fed one byte at a time", "[sse]") {
  StreamDecoder d(Protocol::anthropic);
  for (char c : k_anthropic) d.feed(std::string_view(&c, 1));
  d.finish();
  check_anthropic(d);
}

TEST_CASE("OpenAI stream: cached tokens move out of input", "[sse]") {
  for (std::size_t cut = 0; cut <= k_openai.size(); cut += 7) {
    StreamDecoder d(Protocol::openai);
    d.feed(std::string_view(k_openai).substr(0, cut));
    d.feed(std::string_view(k_openai).substr(cut));
    d.finish();
    INFO("cut at " << cut);
    check_openai(d);
  }
}

TEST_CASE("OpenAI stream without usage or [DONE] is incomplete and unmetered", "[sse]") {
  StreamDecoder d(Protocol::openai);
  d.feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"partial\"}}]}\n\n");
  d.finish();
  CHECK(d.text() == "partial");
  CHECK_FALSE(d.usage_known());
  CHECK_FALSE(d.complete());
}

TEST_CASE("Anthropic error event mid-stream", "[sse]") {
  StreamDecoder d(Protocol::anthropic);
  d.feed("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}\n\n"
         "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
  REQUIRE(d.error());
  CHECK(d.error()->type == "overloaded_error");
  CHECK(d.error()->message == "Overloaded");
  CHECK_FALSE(d.complete());
}

TEST_CASE("OpenAI error chunk", "[sse]") {
  StreamDecoder d(Protocol::openai);
  d.feed("data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n");
  REQUIRE(d.error());
  CHECK(d.error()->type == "server_error");
}

TEST_CASE("Garbage is counted and ignored", "[sse]") {
  StreamDecoder d(Protocol::anthropic);
  d.feed("data: {not json\n\ndata: [1,2]\n\n\x01\x02\xff garbage line\n\ndata: \"str\"\n\n");
  d.feed(k_anthropic);
  d.finish();
  CHECK(d.bad_events() == 3);
  CHECK(d.text() == "Hello \xc3\xa9\n");
  CHECK(d.complete());
}

TEST_CASE("Wrong-typed fields do not throw", "[sse]") {
  StreamDecoder d(Protocol::anthropic);
  d.feed("data: {\"type\":\"message_start\",\"message\":\"nope\"}\n\n"
         "data: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":5}}\n\n"
         "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":\"many\"}}\n\n");
  CHECK(d.text().empty());
  CHECK(d.usage().output == 0);
  StreamDecoder o(Protocol::openai);
  o.feed("data: {\"choices\":[1,{\"delta\":[]}],\"usage\":{\"prompt_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":9}}}\n\n");
  CHECK(o.usage() == Usage{0, 0, 5, 0}); // cached clamped to prompt
}

TEST_CASE("A huge line is dropped, bounded, and the stream goes on", "[sse]") {
  StreamDecoder d(Protocol::anthropic);
  std::string huge = "data: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"";
  huge += std::string(20 * 1024 * 1024, 'x');
  huge += "\"}}\n\n";
  for (std::size_t i = 0; i < huge.size(); i += 1 << 20) d.feed(std::string_view(huge).substr(i, 1 << 20));
  CHECK(d.oversized_lines() == 1);
  CHECK(d.text().empty());
  d.feed(k_anthropic);
  check_anthropic(d);
}

TEST_CASE("A line just under the limit is kept", "[sse]") {
  SseParser p(64);
  std::vector<SseEvent> out;
  p.feed("data: " + std::string(58, 'a') + "\n\n", out);
  p.feed("data: " + std::string(59, 'a') + "\n\n", out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].data.size() == 58);
  CHECK(p.oversized_lines() == 1);
}

TEST_CASE("Retry policy: which statuses retry and which fault ends them", "[retry]") {
  auto c = [](long s, std::string body = "") { return classify({s, std::move(body), std::nullopt}); };
  CHECK(c(0).retry);
  CHECK(c(0).fault == FaultKind::infra);
  CHECK(c(429).retry);
  CHECK(c(429).fault == FaultKind::limit);
  auto spend = c(429, R"({"error":{"type":"rate_limit_error","details":{"error_code":"enforced_spend_limit_reached"}}})");
  CHECK_FALSE(spend.retry);
  CHECK(spend.fault == FaultKind::limit);
  CHECK_FALSE(c(400, R"({"error":{"message":"You have reached your spend limit"}})").retry);
  CHECK(c(400, R"({"error":{"message":"You have reached your spend limit"}})").fault == FaultKind::limit);
  for (long s : {408L, 409L, 500L, 502L, 503L, 529L}) {
    INFO(s);
    CHECK(c(s).retry);
    CHECK(c(s).fault == FaultKind::infra);
  }
  CHECK_FALSE(c(401).retry);
  CHECK(c(401).fault == FaultKind::auth);
  CHECK(c(403).fault == FaultKind::auth);
  CHECK_FALSE(c(404).retry);
  CHECK(c(404).fault == FaultKind::config);
  CHECK(c(400).fault == FaultKind::config);
}

TEST_CASE("Retry-after headers and backoff", "[retry]") {
  using std::chrono::milliseconds;
  CHECK(parse_retry_after("2", "") == milliseconds(2000));
  CHECK(parse_retry_after(" 1.5 ", "") == milliseconds(1500));
  CHECK(parse_retry_after("2", "250") == milliseconds(250));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", "") == std::nullopt);
  CHECK(parse_retry_after("-1", "") == std::nullopt);
  CHECK(parse_retry_after("", "") == std::nullopt);
  CHECK(backoff_for_attempt(1) == milliseconds(500));
  CHECK(backoff_for_attempt(2) == milliseconds(1000));
  CHECK(backoff_for_attempt(3) == milliseconds(2000));
  CHECK(backoff_for_attempt(12) == milliseconds(30000));
}

TEST_CASE("Error summaries are short and redacted", "[retry]") {
  ralph::log::register_secret("sk-ant-test-secret-value-123");
  auto s = error_summary(R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key: sk-ant-test-secret-value-123"}})");
  CHECK(s.find("sk-ant-test-secret-value-123") == std::string::npos);
  CHECK(s.find("authentication_error: invalid x-api-key") == 0);
  CHECK(error_summary("<html>\n502 Bad Gateway\n</html>") == "<html> 502 Bad Gateway </html>");
  CHECK(error_summary(std::string(1000, 'e')).size() < 320);
}
