// Codex, Gemini and command-agent parsers on the shapes in
// shared/reference/agent-protocols.md §3 and §4, and on the command protocol.
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
constexpr std::string_view k_thread = R"({"type":"thread.started","thread_id":"0199a213"})";
constexpr std::string_view k_message = R"({"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"Yep, README.md"}})";
constexpr std::string_view k_turn = R"({"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}})";
} // namespace

TEST_CASE("codex: a reconnect notice, then success; cached tokens come out of input", "[agents][codex]") {
  auto p = agents::make_codex_parser();
  p->feed(k_thread);
  p->feed(R"({"type":"turn.started"})");
  CHECK_FALSE(p->feed(R"j({"type":"error","message":"Reconnecting... 2/5 (stream disconnected before completion)"})j"));
  p->feed(R"({"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Searching**"}})");
  p->feed(R"({"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"first"}})");
  p->feed(k_message);
  CHECK(p->take_text() == "first\nYep, README.md\n");
  CHECK(p->feed(k_turn)); // live usage notification
  p->finish(0, "");
  const auto& s = p->state();
  CHECK(s.ok);
  CHECK(s.fault == FaultKind::none);
  CHECK(s.session_id == "0199a213");
  CHECK(s.final_text == "Yep, README.md"); // the last agent_message
  CHECK(s.num_turns == 1);
  CHECK(s.usage == domain::Usage{24763 - 24448, 122, 24448, 0});
  CHECK(s.model.empty()); // codex does not say; the adapter uses the configured model
  CHECK_FALSE(s.reported_cost);
}

TEST_CASE("codex: reasoning tokens count as output once", "[agents][codex]") {
  SECTION("included in output_tokens") {
    auto p = agents::make_codex_parser();
    run(*p, {R"({"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":9,"output_tokens":20,"reasoning_output_tokens":11}})"});
    CHECK(p->state().usage == domain::Usage{1, 20, 9, 0});
  }
  SECTION("more reasoning than output: not included, so added") {
    auto p = agents::make_codex_parser();
    run(*p, {R"({"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":5,"reasoning_output_tokens":11}})"});
    CHECK(p->state().usage == domain::Usage{10, 16, 0, 0});
  }
  SECTION("cache writes are part of input too; cached never exceeds input") {
    auto p = agents::make_codex_parser();
    run(*p, {R"({"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":60,"cache_write_input_tokens":30,"output_tokens":1}})"});
    CHECK(p->state().usage == domain::Usage{10, 1, 60, 30});
    auto q = agents::make_codex_parser();
    run(*q, {R"({"type":"turn.completed","usage":{"input_tokens":5,"cached_input_tokens":60,"output_tokens":1}})"});
    CHECK(q->state().usage == domain::Usage{0, 1, 5, 0});
  }
}

TEST_CASE("codex: failures", "[agents][codex]") {
  SECTION("turn.failed is classified by its message") {
    auto p = agents::make_codex_parser();
    const auto& s = run(*p, {k_thread, R"({"type":"turn.failed","error":{"message":"exceeded retry limit, last status: 429 Too Many Requests. Please try again in 20s"}})"}, 1);
    CHECK(s.fault == FaultKind::limit);
    REQUIRE(s.retry_after);
    CHECK(*s.retry_after == std::chrono::seconds(20));
    auto q = agents::make_codex_parser();
    CHECK(run(*q, {R"({"type":"turn.failed","error":{"message":"stream disconnected before completion"}})"}, 1).fault == FaultKind::infra);
    auto r = agents::make_codex_parser();
    CHECK(run(*r, {R"({"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized"}})"}, 1).fault == FaultKind::auth);
    auto a = agents::make_codex_parser();
    const auto& sa = run(*a, {R"({"type":"turn.failed","error":{"message":"the model gave up"}})"}, 1);
    CHECK(sa.fault == FaultKind::agent);
    CHECK(sa.error == "codex turn failed: the model gave up");
  }
  SECTION("an error line with no turn.completed after it is fatal") {
    auto p = agents::make_codex_parser();
    const auto& s = run(*p, {k_thread, k_turn, R"({"type":"error","message":"unexpected status 503 Service Unavailable"})"});
    CHECK_FALSE(s.ok);
    CHECK(s.fault == FaultKind::infra);
    CHECK(s.usage_known); // what was spent is still counted
  }
  SECTION("an error line followed by turn.completed is survived") {
    auto p = agents::make_codex_parser();
    CHECK(run(*p, {R"({"type":"error","message":"something odd"})", k_message, k_turn}).ok);
  }
  SECTION("a non-fatal error item does not fail the turn") {
    auto p = agents::make_codex_parser();
    CHECK(run(*p, {R"({"type":"item.completed","item":{"type":"error","message":"Model metadata for x not found"}})", k_message, k_turn}).ok);
  }
  SECTION("no turn.completed: agent fault even with exit 0") {
    auto p = agents::make_codex_parser();
    const auto& s = run(*p, {k_thread, k_message});
    CHECK(s.fault == FaultKind::agent);
    CHECK(s.error.find("without turn.completed") != std::string::npos);
    CHECK_FALSE(s.usage_known);
  }
  SECTION("a completed turn with a malformed usage is a success without usage") {
    auto p = agents::make_codex_parser();
    const auto& s = run(*p, {k_message, R"({"type":"turn.completed","usage":[]})"});
    CHECK(s.ok);
    CHECK_FALSE(s.usage_known);
  }
  SECTION("non-zero exit after a completed turn fails, classified by stderr") {
    auto p = agents::make_codex_parser();
    CHECK(run(*p, {k_message, k_turn}, 1, "Error: Connection refused").fault == FaultKind::infra);
  }
}

TEST_CASE("gemini stream-json: deltas, warnings, thoughts billed as output", "[agents][gemini]") {
  auto p = agents::make_gemini_parser();
  p->feed(R"({"type":"init","timestamp":"t","session_id":"test-session-123","model":"gemini-2.0-flash-exp"})");
  p->feed(R"({"type":"message","timestamp":"t","role":"user","content":"What is 2+2?"})");
  p->feed(R"({"type":"message","timestamp":"t","role":"assistant","content":"The answer ","delta":true})");
  p->feed(R"({"type":"tool_use","timestamp":"t","tool_name":"Read","tool_id":"read-123","parameters":{"file_path":"/f"}})");
  p->feed(R"({"type":"error","timestamp":"t","severity":"warning","message":"Loop detected, stopping execution"})");
  p->feed(R"({"type":"message","timestamp":"t","role":"assistant","content":"is 4","delta":true})");
  CHECK(p->take_text() == "The answer is 4");
  // total − input = 150 > output 50: 100 thought tokens are billed as output.
  CHECK(p->feed(R"({"type":"result","timestamp":"t","status":"success","stats":{"total_tokens":1150,"input_tokens":1000,"output_tokens":50,"cached":400,"input":600,"duration_ms":1200,"tool_calls":2}})"));
  p->finish(0, "");
  const auto& s = p->state();
  CHECK(s.ok);
  CHECK(s.final_text == "The answer is 4");
  CHECK(s.session_id == "test-session-123");
  CHECK(s.model == "gemini-2.0-flash-exp");
  CHECK(s.usage == domain::Usage{600, 150, 400, 0});
}

TEST_CASE("gemini: errors and exit codes", "[agents][gemini]") {
  auto p = agents::make_gemini_parser();
  const auto& s = run(*p, {R"({"type":"result","status":"error","error":{"type":"MaxSessionTurnsError","message":"Maximum session turns exceeded"},"stats":{"total_tokens":10,"input_tokens":8,"output_tokens":2,"cached":0}})"}, 53);
  CHECK(s.fault == FaultKind::agent);
  CHECK(s.error.find("Maximum session turns") != std::string::npos);
  CHECK(s.usage_known);
  auto code = [](int exit_code) {
    auto q = agents::make_gemini_parser();
    return run(*q, {}, exit_code).fault;
  };
  CHECK(code(41) == FaultKind::auth);
  CHECK(code(42) == FaultKind::config);
  CHECK(code(52) == FaultKind::config);
  CHECK(code(53) == FaultKind::agent);
  CHECK(code(130) == FaultKind::cancelled);
  CHECK(code(1) == FaultKind::agent);
  auto e = agents::make_gemini_parser();
  CHECK(run(*e, {R"({"type":"error","severity":"error","message":"Quota exceeded for quota metric"})"}, 1).fault == FaultKind::limit);
  auto z = agents::make_gemini_parser(); // exit 0 with nothing at all is no success
  CHECK_FALSE(run(*z, {}).ok);
}

TEST_CASE("gemini -o json: one object with per-model tokens", "[agents][gemini]") {
  auto p = agents::make_gemini_parser();
  const auto& s = run(*p, {R"({"session_id":"s1","response":"The main content","stats":{"models":{"gemini-2.5-flash":{"tokens":{"prompt":100,"candidates":1,"cached":0,"thoughts":0}},"gemini-2.5-pro":{"api":{"totalRequests":2},"tokens":{"prompt":24939,"candidates":20,"total":25113,"cached":21263,"thoughts":154,"tool":0}}},"tools":{"totalCalls":1}}})"});
  CHECK(s.ok);
  CHECK(s.final_text == "The main content");
  CHECK(s.session_id == "s1");
  CHECK(s.model == "gemini-2.5-pro");
  CHECK(s.usage == domain::Usage{(24939 - 21263) + 100, 20 + 154 + 1, 21263, 0});
  auto q = agents::make_gemini_parser();
  const auto& e = run(*q, {R"({"error":{"type":"AuthError","message":"bad credentials"}})"}, 41);
  CHECK(e.fault == FaultKind::auth);
}

TEST_CASE("command: text lines and cumulative usage lines", "[agents][command]") {
  auto p = agents::make_command_parser();
  CHECK_FALSE(p->feed("hello"));
  CHECK(p->feed(R"({"type":"usage","input_tokens":10,"output_tokens":1})"));
  CHECK(p->state().usage == domain::Usage{10, 1, 0, 0});
  CHECK_FALSE(p->state().reported_cost);
  CHECK_FALSE(p->feed(R"({"type":"note","text":"a JSON line that is not usage is text"})"));
  CHECK(p->feed(R"(  {"type":"usage","input_tokens":30,"output_tokens":4,"cache_read_tokens":5,"cache_write_tokens":6,"cost_usd":0.25,"model":"m1","session_id":"s9"})"));
  p->feed("LOOP_COMPLETE");
  p->finish(0, "");
  const auto& s = p->state();
  CHECK(s.ok);
  CHECK(s.final_text == "hello\n{\"type\":\"note\",\"text\":\"a JSON line that is not usage is text\"}\nLOOP_COMPLETE");
  CHECK(s.usage == domain::Usage{30, 4, 5, 6}); // the last one wins, not a sum
  REQUIRE(s.reported_cost);
  CHECK(*s.reported_cost == Approx(0.25));
  CHECK(s.model == "m1");
  CHECK(s.session_id == "s9");
  CHECK(s.usage_known);
}

TEST_CASE("command: exit codes map to fault kinds; no usage line means usage unknown", "[agents][command]") {
  auto code = [](int exit_code) {
    auto p = agents::make_command_parser();
    p->feed("text");
    p->finish(exit_code, "");
    CHECK_FALSE(p->state().usage_known);
    return p->state().fault;
  };
  CHECK(code(0) == FaultKind::none);
  CHECK(code(75) == FaultKind::infra);
  CHECK(code(77) == FaultKind::auth);
  CHECK(code(78) == FaultKind::config);
  CHECK(code(1) == FaultKind::agent);
  CHECK(code(-1) == FaultKind::agent);
}

TEST_CASE("classify and retry hints", "[agents]") {
  CHECK(agents::classify_error_text("HTTP 429") == FaultKind::limit);
  CHECK(agents::classify_error_text("read 1429 lines") == FaultKind::agent);
  CHECK(agents::classify_error_text("error at line 401") == FaultKind::agent);
  CHECK(agents::classify_error_text("x", 403) == FaultKind::auth);
  CHECK(agents::classify_error_text("API Error: 529 overloaded_error") == FaultKind::infra);
  CHECK(agents::classify_error_text("model not found: gpt-9") == FaultKind::config);
  CHECK(agents::parse_retry_after("please retry after 250ms") == std::chrono::milliseconds(250));
  CHECK(agents::parse_retry_after("Try again in 1.5 seconds") == std::chrono::milliseconds(1500));
  CHECK(agents::parse_retry_after("try again in 2h") == std::chrono::hours(2));
  CHECK_FALSE(agents::parse_retry_after("try again later"));
  CHECK_FALSE(agents::parse_retry_after("retry after 1e99 s"));
}
