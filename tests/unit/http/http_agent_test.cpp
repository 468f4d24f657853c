// Both HTTP agents against the scripted model server: exact usage and cost,
// retries with retry-after, exhausted retries, auth failures without the key in
// any message, cancel and deadline mid-stream.
#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>
#include <thread>

#include "agents/http/http_agent.hpp"
#include "core/pricing/pricing.hpp"
#include "core/proc/process.hpp"
#include "model_server_fixture.hpp"

using namespace ralph;
using namespace std::chrono_literals;
using agents::FaultKind;
using domain::Usage;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

class RecordingSink final : public agents::EventSink {
public:
  void on_text(std::string_view t) override {
    std::lock_guard lock(m_mutex);
    text += t;
    if (on_first_text && !fired) {
      fired = true;
      on_first_text();
    }
  }
  void on_usage(const Usage& u, const domain::Cost& c) override {
    std::lock_guard lock(m_mutex);
    usages.push_back(u);
    costs.push_back(c);
  }
  std::string text;
  std::vector<Usage> usages;
  std::vector<domain::Cost> costs;
  std::function<void()> on_first_text;
  bool fired = false;

private:
  std::mutex m_mutex;
};

struct Harness {
  test::Sandbox sandbox;
  proc::PosixProcessRunner runner;
  pricing::PriceTable prices = pricing::PriceTable::builtin();
  util::CancelSource cancel;
  RecordingSink sink;

  std::unique_ptr<agents::Agent> agent(const std::string& kind, const std::string& base_url,
                                       std::int64_t max_retries = 3, std::string key = "") {
    agents::AgentSettings s;
    s.kind = kind;
    s.base_url = base_url;
    s.max_retries = max_retries;
    s.max_output_tokens = 1234;
    s.api_key = std::move(key);
    s.api_key_env = "RALPH_UNIT_HTTP_NO_SUCH_KEY";
    return agents::make_http_agent(kind, s, agents::AgentContext{runner, prices});
  }
  agents::IterationRequest request(const std::string& model) {
    agents::IterationRequest r;
    r.prompt = "Say hello";
    r.workdir = sandbox.path();
    r.model = model;
    r.log_path = sandbox.path() / "iter.log";
    return r;
  }
};

json turn_text(const std::string& text, json usage) { return {{"text", text}, {"usage", std::move(usage)}}; }

double sonnet(const Usage& u) {
  return (u.input * 3 + u.output * 15 + u.cache_read * 0.30 + u.cache_write * 3.75) / 1e6;
}

} // namespace

TEST_CASE("make_http_agent knows two kinds", "[http]") {
  Harness h;
  CHECK(h.agent("anthropic", "")->reports_usage());
  CHECK(h.agent("openai", "") != nullptr);
  CHECK(h.agent("claude", "") == nullptr);
}

TEST_CASE("anthropic: streamed text, exact usage and computed cost", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json usage = {{"input", 120}, {"output", 30}, {"cache_read", 1000}, {"cache_write", 50}};
  test::ModelServer server(h.sandbox, {{"turns", {turn_text("Hello there.\nLOOP_COMPLETE", usage)}}});
  auto agent = h.agent("anthropic", server.url());
  auto res = agent->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  INFO(res.error);
  REQUIRE(res.fault == FaultKind::none);
  CHECK(res.exit_code == 0);
  CHECK(res.final_text == "Hello there.\nLOOP_COMPLETE");
  CHECK(h.sink.text == res.final_text);
  Usage want{120, 30, 1000, 50};
  CHECK(res.usage == want);
  CHECK(res.usage_known);
  REQUIRE(res.cost.source == domain::CostSource::computed);
  CHECK(*res.cost.usd == Approx(sonnet(want)).epsilon(1e-12));
  REQUIRE_FALSE(h.sink.usages.empty());
  CHECK(h.sink.usages.back() == want);
  CHECK(h.sink.usages.front().output == 1); // message_start's provisional count arrives live
  CHECK(h.sink.costs.back().source == domain::CostSource::computed);
  auto log = server.log();
  REQUIRE(log.size() == 1);
  CHECK(log[0]["path"] == "/v1/messages");
  CHECK(log[0]["model"] == "claude-sonnet-4-5");
  CHECK(log[0]["auth"] == "x-api-key");
  CHECK(log[0]["anthropic_version"] == "2023-06-01");
  CHECK(log[0]["max_tokens"] == 1234);
  CHECK(log[0]["stream"] == true);
  auto raw = test::read_file(h.sandbox.path() / "iter.log");
  CHECK(raw.find("event: message_stop") != std::string::npos);
}

TEST_CASE("openai: cached tokens are disjoint from input; cost computed", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json usage = {{"input", 700}, {"output", 50}, {"cache_read", 300}, {"cache_write", 0}};
  test::ModelServer server(h.sandbox, {{"turns", {turn_text("Hi from gpt.", usage)}}});
  auto agent = h.agent("openai", server.url() + "/v1");
  auto res = agent->run(h.request("gpt-5"), h.sink, h.cancel);
  INFO(res.error);
  REQUIRE(res.fault == FaultKind::none);
  CHECK(res.final_text == "Hi from gpt.");
  CHECK(res.usage == Usage{700, 50, 300, 0});
  REQUIRE(res.cost.usd);
  CHECK(*res.cost.usd == Approx((700 * 1.25 + 300 * 0.125 + 50 * 10) / 1e6).epsilon(1e-12));
  auto log = server.log();
  REQUIRE(log.size() == 1);
  CHECK(log[0]["path"] == "/v1/chat/completions");
  CHECK(log[0]["auth"] == "bearer");
  CHECK(log[0]["include_usage"] == true);
}

TEST_CASE("a model without a price gives unknown cost, never $0", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  test::ModelServer server(h.sandbox, {{"turns", {turn_text("ok", {{"input", 5}, {"output", 2}})}}});
  auto res = h.agent("openai", server.url() + "/v1")->run(h.request("llama3.2:3b"), h.sink, h.cancel);
  REQUIRE(res.fault == FaultKind::none);
  CHECK(res.usage == Usage{5, 2, 0, 0});
  CHECK(res.cost.source == domain::CostSource::unknown);
  CHECK_FALSE(res.cost.usd);
}

TEST_CASE("429 with retry-after is waited out, then the turn succeeds", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("after the wait", {{"input", 10}, {"output", 4}});
  turn["errors"] = {{{"status", 429}, {"retry_after", 1}, {"times", 1}}};
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  auto start = Clock::now();
  auto res = h.agent("anthropic", server.url())->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  auto took = Clock::now() - start;
  INFO(res.error);
  REQUIRE(res.fault == FaultKind::none);
  CHECK(res.final_text == "after the wait");
  CHECK(took >= 1s);
  CHECK(took < 4s);
  auto log = server.log();
  REQUIRE(log.size() == 2);
  CHECK(log[0]["status"] == 429);
  CHECK(log[1]["status"] == 200);
  auto gap = log[1]["time"].get<double>() - log[0]["time"].get<double>();
  CHECK(gap >= 0.95);
}

TEST_CASE("529 on every attempt: infra after max_retries", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("never", {});
  turn["errors"] = {{{"status", 529}, {"retry_after_ms", 20}, {"times", 100}}};
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  auto res = h.agent("anthropic", server.url(), 2)->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  CHECK(res.fault == FaultKind::infra);
  CHECK(res.error.find("529") != std::string::npos);
  CHECK(res.error.find("after 2 retries") != std::string::npos);
  CHECK(server.log().size() == 3);
  CHECK(res.final_text.empty());
}

TEST_CASE("429 exhausted is a limit with the server's retry-after", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("never", {});
  turn["errors"] = {{{"status", 429}, {"retry_after_ms", 30}, {"times", 100}}};
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  auto res = h.agent("openai", server.url() + "/v1", 1)->run(h.request("gpt-5"), h.sink, h.cancel);
  CHECK(res.fault == FaultKind::limit);
  REQUIRE(res.retry_after);
  CHECK(*res.retry_after == 30ms);
  CHECK(server.log().size() == 2);
}

TEST_CASE("a spend-limit 429 is not retried", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("never", {});
  turn["errors"] = {{{"status", 429}, {"times", 100}, {"details", {{"error_code", "enforced_spend_limit_reached"}}}}};
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  auto res = h.agent("anthropic", server.url())->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  CHECK(res.fault == FaultKind::limit);
  CHECK(server.log().size() == 1);
}

TEST_CASE("401: auth fault, no retry, and the key appears nowhere", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  const std::string key = "sk-ant-unit-http-key-0123456789abcdef";
  json turn = turn_text("never", {});
  turn["errors"] = {{{"status", 401}, {"times", 100}, {"echo_key", true}, {"message", "invalid x-api-key"}}};
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  auto res = h.agent("anthropic", server.url(), 3, key)->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  CHECK(res.fault == FaultKind::auth);
  CHECK(res.error.find("anthropic API rejected the key (401)") == 0);
  CHECK(res.error.find(key) == std::string::npos);
  CHECK(res.error.find("0123456789abcdef") == std::string::npos);
  CHECK(server.log().size() == 1);
  auto raw = test::read_file(h.sandbox.path() / "iter.log");
  CHECK(raw.find("invalid x-api-key") != std::string::npos);
  CHECK(raw.find(key) == std::string::npos);
}

TEST_CASE("404 (unknown model) is a config fault", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("never", {});
  turn["errors"] = {{{"status", 404}, {"times", 100}, {"message", "model: nope"}}};
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  auto res = h.agent("openai", server.url() + "/v1")->run(h.request("nope"), h.sink, h.cancel);
  CHECK(res.fault == FaultKind::config);
  CHECK(res.error.find("model: nope") != std::string::npos);
}

TEST_CASE("an error event mid-stream is a fault, not a success", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("partial text", {{"input", 9}, {"output", 3}});
  turn["stream_error"] = "overloaded_error";
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  auto res = h.agent("anthropic", server.url())->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  CHECK(res.fault == FaultKind::infra);
  CHECK(res.error.find("overloaded_error") != std::string::npos);
  CHECK(res.usage.input == 9); // what message_start reported is kept
}

TEST_CASE("cancel mid-stream returns within a second", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("first chunk, then a long stall", {});
  turn["stall"] = 30;
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  Clock::time_point cancelled_at;
  std::thread canceller;
  h.sink.on_first_text = [&] {
    canceller = std::thread([&] {
      std::this_thread::sleep_for(200ms); // let the transfer go back to waiting
      cancelled_at = Clock::now();
      h.cancel.cancel("test");
    });
  };
  auto res = h.agent("anthropic", server.url())->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  auto returned = Clock::now();
  if (canceller.joinable()) canceller.join();
  CHECK(res.fault == FaultKind::cancelled);
  CHECK_FALSE(res.final_text.empty());
  CHECK(returned - cancelled_at < 1s);
}

TEST_CASE("the deadline and the inactivity timeout end a stalled stream", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("first chunk, then a long stall", {});
  turn["stall"] = 30;
  test::ModelServer server(h.sandbox, {{"turns", {turn, turn}}});
  auto agent = h.agent("anthropic", server.url());
  auto req = h.request("claude-sonnet-4-5");
  auto start = Clock::now();
  req.deadline = start + 700ms;
  auto res = agent->run(req, h.sink, h.cancel);
  auto took = Clock::now() - start;
  CHECK(res.fault == FaultKind::timeout);
  CHECK(took >= 700ms);
  CHECK(took < 1700ms);

  req.deadline.reset();
  req.inactivity_timeout = 500ms;
  start = Clock::now();
  res = agent->run(req, h.sink, h.cancel);
  took = Clock::now() - start;
  CHECK(res.fault == FaultKind::timeout);
  CHECK(res.error.find("sent nothing") != std::string::npos);
  CHECK(took >= 500ms);
  CHECK(took < 1500ms);
}

TEST_CASE("connection refused is infra after retries", "[http]") {
  Harness h;
  // Port 9 (discard) has no listener on a test machine.
  auto res = h.agent("openai", "http://127.0.0.1:9/v1", 1)->run(h.request("gpt-5"), h.sink, h.cancel);
  CHECK(res.fault == FaultKind::infra);
  CHECK(res.error.find("unreachable") != std::string::npos);
}

TEST_CASE("a missing key names the variable; no request is made", "[http]") {
  Harness h;
  auto res = h.agent("anthropic", "https://api.example.invalid")->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  CHECK(res.fault == FaultKind::auth);
  CHECK(res.error.find("RALPH_UNIT_HTTP_NO_SUCH_KEY") != std::string::npos);
}

TEST_CASE("an overload before any text is retried", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("second try", {{"input", 4}, {"output", 2}});
  turn["errors"] = {{{"status", 200}, {"stream_error", "overloaded_error"}, {"times", 1}}};
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  auto res = h.agent("anthropic", server.url())->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  INFO(res.error);
  CHECK(res.fault == FaultKind::none);
  CHECK(res.final_text == "second try");
  CHECK(res.usage == Usage{4, 2, 0, 0});
  CHECK(server.log().size() == 2);
}

TEST_CASE("a connection dropped mid-stream is infra, with the partial text", "[http]") {
  if (!test::model_server_available()) return;
  Harness h;
  json turn = turn_text("the first part and the rest", {{"input", 4}, {"output", 2}});
  turn["drop"] = true;
  test::ModelServer server(h.sandbox, {{"turns", {turn}}});
  auto res = h.agent("anthropic", server.url())->run(h.request("claude-sonnet-4-5"), h.sink, h.cancel);
  CHECK(res.fault == FaultKind::infra);
  CHECK(res.error.find("interrupted") != std::string::npos);
  CHECK_FALSE(res.final_text.empty());
  CHECK(res.final_text != "the first part and the rest");
  CHECK(server.log().size() == 1);
}
