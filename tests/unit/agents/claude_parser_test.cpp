// Claude Code stream-json parser on the shapes in shared/reference/agent-protocols.md §2.
#include <catch2/catch.hpp>

#include "agents/parsers/stream_parser.hpp"

using namespace ralph;
using agents::FaultKind;

namespace {

const agents::ParsedStream& run(agents::StreamParser& p, std::initializer_list<std::string_view> lines, int exit_code = 0,
                                std::string_view stderr_tail = "") {
  for (auto l : lines) p.feed(l);
  p.finish(exit_code, stderr_tail);
  return p.state();
}

constexpr std::string_view k_init =
    R"({"type":"system","subtype":"init","cwd":"/p","session_id":"abc","tools":["Bash"],"model":"claude-opus-4-6","permissionMode":"acceptEdits"})";
constexpr std::string_view k_result_ok =
    R"({"type":"result","subtype":"success","is_error":false,"duration_ms":183402,"num_turns":23,"result":"Done.\nLOOP_COMPLETE","stop_reason":"end_turn","session_id":"5b0f","total_cost_usd":1.35221745,"usage":{"input_tokens":278,"cache_creation_input_tokens":78213,"cache_read_input_tokens":2673999,"output_tokens":16670,"server_tool_use":{"web_search_requests":0},"service_tier":"standard"},"modelUsage":{"claude-haiku-4-5-20251001":{"inputTokens":765,"outputTokens":1014,"cacheReadInputTokens":0,"cacheCreationInputTokens":0,"costUSD":0.005835},"claude-sonnet-4-5-20250929":{"inputTokens":278,"outputTokens":16670,"cacheReadInputTokens":2673999,"cacheCreationInputTokens":78213,"costUSD":1.34638245}},"permission_denials":[],"uuid":"d378"})";

} // namespace

TEST_CASE("claude: the result line gives the totals, cost, model, session and turns", "[agents][claude]") {
  auto p = agents::make_claude_parser();
  const auto& s = run(*p, {k_init, k_result_ok});
  CHECK(s.ok);
  CHECK(s.fault == FaultKind::none);
  CHECK(s.error.empty());
  CHECK(s.final_text == "Done.\nLOOP_COMPLETE");
  CHECK(s.session_id == "5b0f");
  CHECK(s.num_turns == 23);
  REQUIRE(s.reported_cost);
  CHECK(*s.reported_cost == Approx(1.35221745));
  // modelUsage includes the side model; it is larger than usage, so it wins.
  CHECK(s.usage == domain::Usage{278 + 765, 16670 + 1014, 2673999, 78213});
  CHECK(s.usage_known);
  // The model with the most output, not the first key nor the init model.
  CHECK(s.model == "claude-sonnet-4-5-20250929");
}

TEST_CASE("claude: without modelUsage the model is the init line's and usage is result.usage", "[agents][claude]") {
  auto p = agents::make_claude_parser();
  const auto& s = run(*p, {k_init, R"({"type":"result","subtype":"success","is_error":false,"result":"x","usage":{"input_tokens":5,"output_tokens":7,"cache_read_input_tokens":11,"cache_creation_input_tokens":13},"modelUsage":{}})"});
  CHECK(s.ok);
  CHECK(s.model == "claude-opus-4-6");
  CHECK(s.usage == domain::Usage{5, 7, 11, 13});
  CHECK_FALSE(s.reported_cost);
}

TEST_CASE("claude: snake_case modelUsage keys are read too", "[agents][claude]") {
  auto p = agents::make_claude_parser();
  const auto& s = run(*p, {R"({"type":"result","subtype":"error_during_execution","is_error":false,"num_turns":1,"total_cost_usd":0,"usage":{"input_tokens":10,"output_tokens":1},"modelUsage":{"claude-sonnet-4-5-20250929":{"input_tokens":10,"output_tokens":1}},"errors":["API error: Overloaded"]})"});
  CHECK(s.usage == domain::Usage{10, 1, 0, 0});
  CHECK(s.model == "claude-sonnet-4-5-20250929");
}

TEST_CASE("claude: live usage counts each message id once; the result replaces it", "[agents][claude]") {
  auto p = agents::make_claude_parser();
  p->feed(k_init);
  // Four lines of one API call share message.id and usage: counted once.
  CHECK(p->feed(R"({"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"Hi"}],"usage":{"input_tokens":100,"cache_read_input_tokens":50,"cache_creation_input_tokens":7,"output_tokens":1}}})"));
  CHECK_FALSE(p->feed(R"({"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","name":"Bash"}],"usage":{"input_tokens":100,"cache_read_input_tokens":50,"cache_creation_input_tokens":7,"output_tokens":1}}})"));
  // Output as seen (the largest); input and cache from the first line.
  CHECK(p->feed(R"({"type":"assistant","message":{"id":"m1","content":[],"usage":{"input_tokens":999,"cache_read_input_tokens":999,"output_tokens":9}}})"));
  CHECK(p->state().usage == domain::Usage{100, 9, 50, 7});
  CHECK(p->feed(R"({"type":"assistant","message":{"id":"m2","usage":{"input_tokens":200,"output_tokens":7}}})"));
  CHECK(p->state().usage == domain::Usage{300, 16, 50, 7});
  CHECK(p->state().usage_known);
  CHECK(p->state().model == "claude-opus-4-6");
  CHECK(p->take_text() == "Hi\n");
  CHECK(p->take_text().empty());
  CHECK(p->feed(R"({"type":"result","subtype":"success","is_error":false,"result":"ok","usage":{"input_tokens":1,"output_tokens":2}})"));
  CHECK(p->state().usage == domain::Usage{1, 2, 0, 0});
  // Assistant lines after the result cannot change the totals.
  CHECK_FALSE(p->feed(R"({"type":"assistant","message":{"id":"m3","usage":{"input_tokens":5000,"output_tokens":7}}})"));
  CHECK(p->state().usage == domain::Usage{1, 2, 0, 0});
}

TEST_CASE("claude: failures are classified from subtype, is_error, status and text", "[agents][claude]") {
  SECTION("error_max_turns with is_error false is an agent fault") {
    auto p = agents::make_claude_parser();
    const auto& s = run(*p, {R"({"type":"result","subtype":"error_max_turns","is_error":false,"num_turns":2,"total_cost_usd":0.00055,"usage":{},"modelUsage":{},"errors":[]})"});
    CHECK_FALSE(s.ok);
    CHECK(s.fault == FaultKind::agent);
    CHECK(s.error.find("error_max_turns") != std::string::npos);
    CHECK(s.num_turns == 2);
  }
  SECTION("error_during_execution: other errors are agent faults") {
    auto p = agents::make_claude_parser();
    const auto& s = run(*p, {R"({"type":"result","subtype":"error_during_execution","is_error":false,"errors":["Tool crashed"]})"});
    CHECK(s.fault == FaultKind::agent);
    CHECK(s.error.find("Tool crashed") != std::string::npos);
  }
  SECTION("rate limit as subtype success + is_error, exit 0") {
    auto p = agents::make_claude_parser();
    const auto& s = run(*p, {R"({"type":"result","subtype":"success","is_error":true,"result":"API Error: Rate limit reached","stop_reason":"stop_sequence","usage":{"input_tokens":0,"output_tokens":0}})"});
    CHECK_FALSE(s.ok);
    CHECK(s.fault == FaultKind::limit);
    CHECK(s.error.find("Rate limit reached") != std::string::npos);
  }
  SECTION("usage limit with a retry hint") {
    auto p = agents::make_claude_parser();
    const auto& s = run(*p, {R"({"type":"result","subtype":"success","is_error":true,"result":"Claude usage limit reached. Try again in 30 minutes."})"});
    CHECK(s.fault == FaultKind::limit);
    REQUIRE(s.retry_after);
    CHECK(*s.retry_after == std::chrono::minutes(30));
  }
  SECTION("overloaded (errors[]) and 5xx are infra") {
    auto p = agents::make_claude_parser();
    CHECK(run(*p, {R"({"type":"result","subtype":"error_during_execution","is_error":false,"errors":["API error: Overloaded"]})"}).fault == FaultKind::infra);
    auto q = agents::make_claude_parser();
    CHECK(run(*q, {R"({"type":"result","subtype":"success","is_error":true,"result":"API Error: 500 {\"type\":\"error\"}"})"}, 1).fault == FaultKind::infra);
    auto r = agents::make_claude_parser();
    CHECK(run(*r, {R"({"type":"result","subtype":"success","is_error":true,"api_error_status":529,"result":"busy"})"}, 1).fault == FaultKind::infra);
    auto c = agents::make_claude_parser();
    CHECK(run(*c, {R"({"type":"result","subtype":"success","is_error":true,"result":"API Error: Connection error."})"}).fault == FaultKind::infra);
  }
  SECTION("401 status and invalid key are auth") {
    auto p = agents::make_claude_parser();
    CHECK(run(*p, {R"({"type":"result","subtype":"success","is_error":true,"api_error_status":401,"result":"nope"})"}, 1).fault == FaultKind::auth);
    auto q = agents::make_claude_parser();
    CHECK(run(*q, {R"({"type":"result","subtype":"success","is_error":true,"result":"Invalid API key · Please run /login"})"}).fault == FaultKind::auth);
  }
  SECTION("a non-zero exit after a successful result is still a success") {
    auto p = agents::make_claude_parser();
    CHECK(run(*p, {k_result_ok}, 1).ok);
  }
  SECTION("no result line: exit 0 is an agent fault; otherwise stderr decides") {
    auto p = agents::make_claude_parser();
    const auto& s = run(*p, {k_init}, 0, "API Error: Rate limit reached");
    CHECK(s.fault == FaultKind::agent);
    CHECK(s.error.find("without a result line") != std::string::npos);
    auto q = agents::make_claude_parser();
    CHECK(run(*q, {k_init}, 1, "API Error: Rate limit reached").fault == FaultKind::limit);
    auto r = agents::make_claude_parser();
    CHECK(run(*r, {}, 1, "segfault").fault == FaultKind::agent);
    auto k = agents::make_claude_parser();
    CHECK(run(*k, {}, -1, "").error.find("killed") != std::string::npos);
  }
}
