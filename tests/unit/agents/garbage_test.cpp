// Every parser against what agents must never be trusted to avoid printing:
// truncated JSON, huge lines, invalid UTF-8, binary, wrong field types,
// absurd numbers. Nothing may throw or crash, and garbage is no success.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "agents/parsers/stream_parser.hpp"

using namespace ralph;
using agents::FaultKind;

namespace {

using Factory = std::unique_ptr<agents::StreamParser> (*)();
const std::vector<std::pair<const char*, Factory>> k_parsers = {
    {"claude", agents::make_claude_parser},
    {"codex", agents::make_codex_parser},
    {"gemini", agents::make_gemini_parser},
    {"command", agents::make_command_parser}};

// Valid lines of each format; their prefixes are the truncated inputs.
const std::vector<std::string> k_valid = {
    R"({"type":"system","subtype":"init","session_id":"abc","model":"claude-sonnet-4-5"})",
    R"({"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"Hi"}],"usage":{"input_tokens":10,"output_tokens":1}}})",
    R"({"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"Hi","total_cost_usd":0.5,"usage":{"input_tokens":10,"output_tokens":5},"modelUsage":{"m":{"inputTokens":10,"outputTokens":5}}})",
    R"({"type":"thread.started","thread_id":"t"})",
    R"({"type":"item.completed","item":{"type":"agent_message","text":"ok"}})",
    R"({"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":40,"output_tokens":9}})",
    R"({"type":"result","status":"success","stats":{"total_tokens":100,"input_tokens":50,"output_tokens":40,"cached":5}})",
    R"({"response":"x","stats":{"models":{"g":{"tokens":{"prompt":10,"candidates":2,"cached":1,"thoughts":3}}}}})",
    R"({"type":"usage","input_tokens":3,"output_tokens":1,"cost_usd":0.1})",
};

void sane(const agents::ParsedStream& s) {
  CHECK(s.usage.input >= 0);
  CHECK(s.usage.output >= 0);
  CHECK(s.usage.cache_read >= 0);
  CHECK(s.usage.cache_write >= 0);
  if (s.reported_cost) CHECK(*s.reported_cost >= 0);
}

} // namespace

TEST_CASE("parsers: every truncation of a valid line is ignored or parsed, never fatal", "[agents][garbage]") {
  for (const auto& [name, make] : k_parsers) {
    INFO(name);
    for (const auto& line : k_valid) {
      for (std::size_t n = 0; n < line.size(); ++n) {
        auto p = make();
        CHECK_NOTHROW(p->feed(std::string_view(line).substr(0, n)));
        CHECK_NOTHROW(p->finish(0, ""));
        sane(p->state());
        // A JSON parser sees no usage in a truncated object; the command
        // agent keeps it as text.
        if (std::string_view(name) != "command") CHECK_FALSE(p->state().usage_known);
      }
    }
  }
}

TEST_CASE("parsers: garbage lines yield no usage and an agent fault", "[agents][garbage]") {
  std::mt19937 rng(1234);
  std::string binary(4096, '\0');
  for (auto& c : binary) c = static_cast<char>(rng());
  std::string huge_json = R"({"type":"result","result":")" + std::string(2u << 20, 'x') + R"(")";
  std::string huge_text(2u << 20, '{');
  std::string deep = R"({"a":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  std::string deep_open = R"({"type":"result","usage":)" + std::string(200000, '[');
  const std::vector<std::string> garbage = {
      "", "{", "}", "{\"type\":", "null", "[1,2,3]", "\"string\"", "42", "{}", "{\"type\":null}", "{\"type\":7}",
      "{\"type\":\"result\",\"usage\":\"x\",\"modelUsage\":[1],\"num_turns\":\"a\"}",
      "{\"type\":\"result\",\"subtype\":7,\"is_error\":\"yes\",\"errors\":{\"a\":1}}",
"{\"type\":\"item.completed\",\"item\":\"text\"}",
      "{\"type\":\"assistant\",\"message\":[]}", "{\"type\":\"assistant\",\"message\":{\"content\":{}}}",
      "{\"type\":\"message\",\"role\":\"assistant\",\"content\":{}}", "{\"type\":\"result\",\"stats\":[]}",
      "{\"stats\":{\"models\":[]}}", "{\"error\":5}", "{\"stats\":{\"models\":{\"m\":{\"tokens\":\"x\"}}}}",
      "\xff\xfe\xfd invalid utf-8 \xc3\x28", "{\"type\":\"result\",\"result\":\"\xc3\x28\xff\"}",
      std::string("{\"type\":\"re\0sult\"}", 18), binary, huge_json, huge_text, deep, deep_open,
      "\r", "   \t  "};
  for (const auto& [name, make] : k_parsers) {
    INFO(name);
    auto p = make();
    for (const auto& line : garbage) CHECK_NOTHROW(p->feed(line));
    CHECK_NOTHROW(p->take_text());
    CHECK_NOTHROW(p->finish(0, "\xff garbage stderr"));
    const auto& s = p->state();
    sane(s);
    if (std::string_view(name) == "command") {
      // Text is text: exit 0 is success, and no usage line was seen.
      CHECK(s.ok);
      CHECK_FALSE(s.usage_known);
      CHECK(s.final_text.size() <= (4u << 20) + 1);
    } else {
      CHECK_FALSE(s.ok);
      CHECK(s.fault == FaultKind::agent);
    }
  }
}

TEST_CASE("parsers: absurd numbers are clamped, never negative or overflowing", "[agents][garbage]") {
  const std::vector<std::string> lines = {
      R"({"type":"assistant","message":{"id":"a","usage":{"input_tokens":1e300,"output_tokens":-5,"cache_read_input_tokens":18446744073709551615}}})",
      R"({"type":"assistant","message":{"id":"b","usage":{"input_tokens":9223372036854775807,"output_tokens":1e308}}})",
      R"({"type":"result","subtype":"success","is_error":false,"total_cost_usd":-3,"num_turns":-2,"usage":{"input_tokens":-1e300},"modelUsage":{"a":{"inputTokens":1e300,"outputTokens":1e300},"b":{"inputTokens":9223372036854775807,"outputTokens":9223372036854775807}}})",
      R"({"type":"turn.completed","usage":{"input_tokens":1e300,"cached_input_tokens":-1e300,"output_tokens":1e300,"reasoning_output_tokens":1e300}})",
      R"({"type":"result","status":"success","stats":{"total_tokens":1e300,"input_tokens":-1,"output_tokens":1e300,"cached":1e300}})",
      R"({"type":"usage","input_tokens":1e300,"output_tokens":-1e300,"cost_usd":1e999})",
      R"({"type":"usage","input_tokens":1.5,"output_tokens":2.9,"cost_usd":-1})",
  };
  for (const auto& [name, make] : k_parsers) {
    INFO(name);
    auto p = make();
    for (const auto& l : lines) CHECK_NOTHROW(p->feed(l));
    p->finish(0, "");
    sane(p->state());
    CHECK(p->state().usage.total() < (std::int64_t{1} << 50));
    CHECK(p->state().num_turns >= 0);
  }
}
