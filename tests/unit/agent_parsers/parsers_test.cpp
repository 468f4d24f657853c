// Each agent's stream parser on recorded shapes (shared/reference/agent-protocols.md),
// on error shapes, and on garbage: truncated JSON, huge lines, invalid UTF-8.
#include <catch2/catch.hpp>

#include <random>

#include "agents/parsers/stream_parser.hpp"

using namespace ralph;
using agents::FaultKind;

namespace {
const agents::ParsedStream& feed_all(agents::StreamParser& p, std::initializer_list<std::string_view> lines,
                                     int exit_code = 0) {
  for (auto l : lines) p.feed(l);
  p.finish(exit_code, "");
  return p.state();
}
} // namespace

TEST_CASE("claude: a successful result gives totals, cost, session and turns", "[parsers][claude]") {
  auto p = agents::make_claude_parser();
  const auto& s = feed_all(*p, {
      R"({"type":"system","subtype":"init","session_id":"abc","model":"claude-sonnet-4-5"})",
      R"({"type":"assistant","message":{"id":"msg_1","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hi"}],"usage":{"input_tokens":10,"output_tokens":1}}})",
      R"({"type":"assistant","message":{"id":"msg_1","content":[{"type":"tool_use","name":"Write"}],"usage":{"input_tokens":10,"output_tokens":1}}})",
      R"({"type":"result","subtype":"success","is_error":false,"num_turns":23,"result":"Done.\nLOOP_COMPLETE","session_id":"5b0f","total_cost_usd":1.35221745,"usage":{"input_tokens":278,"cache_creation_input_tokens":78213,"cache_read_input_tokens":2673999,"output_tokens":16670},"modelUsage":{"claude-sonnet-4-5-20250929":{"inputTokens":278,"outputTokens":16670,"cacheReadInputTokens":2673999,"cacheCreationInputTokens":78213,"costUSD":1.34638245},"claude-haiku-4-5-20251001":{"inputTokens":765,"outputTokens":1014,"cacheReadInputTokens":0,"cacheCreationInputTokens":0,"costUSD":0.005835}}})",
  });
  CHECK(s.ok);
  CHECK(s.fault == FaultKind::none);
  CHECK(s.final_text == "Done.\nLOOP_COMPLETE");
  CHECK(s.session_id == "5b0f");
  CHECK(s.num_turns == 23);
  REQUIRE(s.reported_cost);
  CHECK(*s.reported_cost == Approx(1.35221745));
  // modelUsage covers the side model too.
  CHECK(s.usage == domain::Usage{278 + 765, 16670 + 1014, 2673999, 78213});
  CHECK(s.model == "claude-sonnet-4-5-20250929");
}

TEST_CASE("claude: live usage counts each API call once", "[parsers][claude]") {
  auto p = agents::make_claude_parser();
  CHECK(p->feed(R"({"type":"assistant","message":{"id":"m1","usage":{"input_tokens":100,"cache_read_input_tokens":50,"output_tokens":1}}})"));
  CHECK_FALSE(p->feed(R"({"type":"assistant","message":{"id":"m1","usage":{"input_tokens":100,"cache_read_input_tokens":50,"output_tokens":1}}})"));
  CHECK(p->feed(R"({"type":"assistant","message":{"id":"m2","usage":{"input_tokens":200,"output_tokens":7}}})"));
  CHECK(p->state().usage == domain::Usage{300, 8, 50, 0});
  CHECK(p->take_text().empty());
}

TEST_CASE("claude: error results are classified, whatever is_error says", "[parsers][claude]") {
  SECTION("error subtype with is_error false is a failure") {
    auto p = agents::make_claude_parser();
    const auto& s = feed_all(*p, {R"({"type":"result","subtype":"error_max_turns","is_error":false,"num_turns":2,"usage":{}})"});
    CHECK_FALSE(s.ok);
    CHECK(s.fault == FaultKind::agent);
  }
  SECTION("rate limit as success + is_error, exit 0") {
    auto p = agents::make_claude_parser();
    const auto& s = feed_all(*p, {R"({"type":"result","subtype":"success","is_error":true,"result":"API Error: Rate limit reached","usage":{"input_tokens":0,"output_tokens":0}})"});
    CHECK_FALSE(s.ok);
    CHECK(s.fault == FaultKind::limit);
  }
  SECTION("overloaded") {
    auto p = agents::make_claude_parser();
    const auto& s = feed_all(*p, {R"({"type":"result","subtype":"error_during_execution","is_error":false,"errors":["API error: Overloaded"],"usage":{"input_tokens":10,"output_tokens":1}})"});
    CHECK(s.fault == FaultKind::infra);
    CHECK(s.usage_known);
  }
  SECTION("bad key") {
    auto p = agents::make_claude_parser();
    const auto& s = feed_all(*p, {R"({"type":"result","subtype":"success","is_error":true,"api_error_status":401,"result":"Invalid API key"})"}, 1);
    CHECK(s.fault == FaultKind::auth);
  }
  SECTION("no result line") {
    auto p = agents::make_claude_parser();
    p->feed(R"({"type":"system","subtype":"init"})");
    p->finish(1, "Error: something broke");
    CHECK_FALSE(p->state().ok);
    CHECK(p->state().fault == FaultKind::agent);
    CHECK(p->state().error.find("without a result line") != std::string::npos);
  }
}

TEST_CASE("codex: cached input is a subset; reconnect notices are not fatal", "[parsers][codex]") {
  auto p = agents::make_codex_parser();
  const auto& s = feed_all(*p, {
      R"({"type":"thread.started","thread_id":"0199a213"})",
      R"({"type":"turn.started"})",
      R"j({"type":"error","message":"Reconnecting... 2/5 (stream disconnected)"})j",
      R"({"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"Yep\nLOOP_COMPLETE"}})",
      R"({"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}})",
  });
  CHECK(s.ok);
  CHECK(s.session_id == "0199a213");
  CHECK(s.final_text == "Yep\nLOOP_COMPLETE");
  CHECK(s.usage == domain::Usage{24763 - 24448, 122, 24448, 0});
  CHECK(s.num_turns == 1);
  CHECK_FALSE(s.reported_cost);

  auto f = agents::make_codex_parser();
  const auto& failed = feed_all(*f, {R"({"type":"turn.failed","error":{"message":"429 Too Many Requests"}})"}, 1);
  CHECK(failed.fault == FaultKind::limit);
}

TEST_CASE("gemini: stream-json and json, thoughts billed as output", "[parsers][gemini]") {
  auto p = agents::make_gemini_parser();
  const auto& s = feed_all(*p, {
      R"({"type":"init","timestamp":"t","session_id":"s-1","model":"gemini-2.5-pro"})",
      R"({"type":"message","role":"user","content":"What is 2+2?"})",
      R"({"type":"message","role":"assistant","content":"4\n","delta":true})",
      R"({"type":"message","role":"assistant","content":"LOOP_COMPLETE","delta":true})",
      R"({"type":"error","severity":"warning","message":"Loop detected"})",
      R"({"type":"result","status":"success","stats":{"total_tokens":180,"input_tokens":100,"output_tokens":50,"cached":40,"input":60}})",
  });
  CHECK(s.ok);
  CHECK(s.final_text == "4\nLOOP_COMPLETE");
  CHECK(s.usage == domain::Usage{60, 80, 40, 0}); // output = total - input: 30 thought tokens
  CHECK(s.model == "gemini-2.5-pro");

  auto j = agents::make_gemini_parser();
  const auto& js = feed_all(*j, {R"({"session_id":"x","response":"ok","stats":{"models":{"gemini-2.5-pro":{"tokens":{"prompt":24939,"candidates":20,"total":25113,"cached":21263,"thoughts":154}}}}})"});
  CHECK(js.ok);
  CHECK(js.usage == domain::Usage{24939 - 21263, 20 + 154, 21263, 0});

  auto a = agents::make_gemini_parser();
  a->finish(41, "auth needed");
  CHECK(a->state().fault == FaultKind::auth);
}

TEST_CASE("command: usage lines are cumulative and not output", "[parsers][command]") {
  auto p = agents::make_command_parser();
  CHECK_FALSE(p->feed("working"));
  CHECK(p->feed(R"({"type":"usage","input_tokens":10,"output_tokens":2})"));
  CHECK(p->feed(R"({"type":"usage","input_tokens":30,"output_tokens":5,"cache_read_tokens":7,"cost_usd":0.5,"model":"m"})"));
  CHECK_FALSE(p->feed(R"({"type":"note","text":"a JSON line that is output"})"));
  p->feed("LOOP_COMPLETE");
  p->finish(0, "");
  const auto& s = p->state();
  CHECK(s.ok);
  CHECK(s.usage == domain::Usage{30, 5, 7, 0});
  CHECK(*s.reported_cost == 0.5);
  CHECK(s.model == "m");
  CHECK(s.final_text == "working\n{\"type\":\"note\",\"text\":\"a JSON line that is output\"}\nLOOP_COMPLETE");
  for (auto [code, kind] : {std::pair{75, FaultKind::infra}, {77, FaultKind::auth}, {78, FaultKind::config}, {1, FaultKind::agent}}) {
    auto q = agents::make_command_parser();
    q->finish(code, "");
    CHECK(q->state().fault == kind);
  }
}

TEST_CASE("every parser survives garbage", "[parsers][garbage]") {
  std::mt19937 rng(42);
  std::vector<std::string> lines = {
      "", "{", "}", "{\"type\":", "[1,2,3]", "null", "\"string\"", "{\"type\":\"result\"",
      "{\"type\":\"result\",\"usage\":\"not an object\",\"modelUsage\":[1]}",
      "{\"type\":\"assistant\",\"message\":[]}", "{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":\"x\"}}}",
      "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":-5,\"cached_input_tokens\":99}}",
      "{\"type\":\"usage\",\"input_tokens\":1e308,\"cost_usd\":\"free\"}",
      "{\"type\":\"result\",\"stats\":{\"models\":{\"m\":{\"tokens\":7}}}}",
      std::string("\xff\xfe\xc3\x28 invalid utf-8 \x80", 20),
      std::string(2 << 20, '{'),
      "{\"type\":\"result\",\"subtype\":\"success\",\"result\":\"" + std::string(1 << 20, 'x') + "\"}",
  };
  for (int i = 0; i < 200; ++i) {
    std::string noise(static_cast<std::size_t>(rng() % 300), '\0');
    for (auto& c : noise) c = static_cast<char>(rng() % 256);
    lines.push_back(noise);
  }
  for (auto make : {agents::make_claude_parser, agents::make_codex_parser, agents::make_gemini_parser,
                    agents::make_command_parser}) {
    auto p = make();
    for (const auto& l : lines) CHECK_NOTHROW(p->feed(l));
    CHECK_NOTHROW(p->finish(0, "stderr"));
    CHECK(p->state().usage.input >= 0);
    CHECK(p->state().usage.output >= 0);
  }
}
