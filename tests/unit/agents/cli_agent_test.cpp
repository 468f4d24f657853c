// The CLI adapters against real child processes: the fake agents in
// tests/fake-agents/ stand in for claude, codex, gemini and command agents.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "agents/agent.hpp"
#include "core/log/redact.hpp"
#include "core/pricing/pricing.hpp"
#include "core/proc/process.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;
using namespace std::chrono;
using agents::FaultKind;

namespace {

std::string fake(const std::string& name) {
  // __FILE__ is absolute in CMake builds: tests/unit/agents/<this file>.
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "fake-agents" / name).string();
}

struct RecordingSink final : agents::EventSink {
  std::string text;
  std::vector<std::pair<domain::Usage, domain::Cost>> usages;
  void on_text(std::string_view t) override { text.append(t); }
  void on_usage(const domain::Usage& u, const domain::Cost& c) override { usages.emplace_back(u, c); }
};

struct Fixture {
  test::Sandbox box;
  proc::PosixProcessRunner runner;
  pricing::PriceTable prices = pricing::PriceTable::builtin();
  RecordingSink sink;
  util::CancelSource cancel;

  agents::IterationRequest request(std::string model = "") const {
    agents::IterationRequest req;
    req.prompt = "Fix the tests.\nSecond line.";
    req.workdir = box.path();
    req.model = std::move(model);
    req.log_path = box / "logs/iteration-1.log";
    req.deadline = steady_clock::now() + seconds(30);
    return req;
  }
  agents::IterationResult run(const std::string& name, agents::AgentSettings s, const agents::IterationRequest& req) {
    auto agent = agents::make_agent(name, s, {runner, prices});
    REQUIRE(agent);
    return agent->run(req, sink, cancel);
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start = nl + 1)) {
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

} // namespace

TEST_CASE("claude adapter: argv, stdin, environment, result, live usage and log", "[agents][cli]") {
  Fixture f;
  std::filesystem::create_directories(f.box / "rec");
  const std::string key = "sk-ant-test-0123456789abcdef";
  agents::AgentSettings s;
  s.command = {fake("agent-claude-ok")};
  s.extra_args = {"--max-turns", "40"};
  s.api_key = key;
  s.env = {{"FAKE_AGENT_RECORD", (f.box / "rec").string()}};
  auto req = f.request("claude-sonnet-4-5");
  req.resume_session = "sess-0";
  auto r = f.run("claude", s, req);

  CHECK(r.fault == FaultKind::none);
  CHECK(r.error.empty());
  CHECK(r.exit_code == 0);
  CHECK(r.final_text == "Done. LOOP_COMPLETE");
  CHECK(r.usage == domain::Usage{120, 40, 2100, 0});
  CHECK(r.usage_known);
  CHECK(r.cost.source == domain::CostSource::reported);
  REQUIRE(r.cost.usd);
  CHECK(*r.cost.usd == Approx(0.0123));
  CHECK(r.model == "claude-sonnet-4-5");
  CHECK(r.session_id == "sess-1");
  CHECK(r.num_turns == 2);
  CHECK(r.output_bytes > 0);

  auto argv = lines_of(test::read_file(f.box / "rec/argv"));
  CHECK(argv == std::vector<std::string>{"-p", "--output-format", "stream-json", "--verbose", "--model",
                                         "claude-sonnet-4-5", "--permission-mode", "acceptEdits", "--resume", "sess-0",
                                         "--max-turns", "40"});
  CHECK(test::read_file(f.box / "rec/stdin") == req.prompt);
  auto env = test::read_file(f.box / "rec/env");
  CHECK(env.find("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1\n") != std::string::npos);
  CHECK(env.find("ANTHROPIC_API_KEY=" + key + "\n") != std::string::npos);
  CHECK(test::read_file(f.box / "rec/argv").find(key) == std::string::npos);
  CHECK(log::redact("x " + key) == "x [REDACTED]"); // registered as a secret

  // Live text and usage while it streamed: msg_1 counted once, then msg_2,
  // priced by the init model; then the final, reported figures.
  CHECK(f.sink.text == "Working on it.\nDone. LOOP_COMPLETE\n");
  REQUIRE(f.sink.usages.size() == 3);
  CHECK(f.sink.usages[0].first == domain::Usage{100, 1, 1000, 0});
  CHECK(f.sink.usages[0].second.source == domain::CostSource::computed);
  CHECK(f.sink.usages[1].first == domain::Usage{120, 4, 2100, 0});
  CHECK(f.sink.usages[2].first == r.usage);
  CHECK(f.sink.usages[2].second.source == domain::CostSource::reported);

  // Every stdout byte in the log; stderr beside it.
  auto log_text = test::read_file(req.log_path);
  CHECK(log_text.find(R"({"type":"system","subtype":"init")") == 0);
  CHECK(log_text.find(R"("total_cost_usd":0.0123)") != std::string::npos);
  CHECK(log_text.back() == '\n');
  CHECK(test::read_file(req.log_path.string() + ".stderr") == "claude: a harmless warning on stderr\n");
}

TEST_CASE("claude adapter: a rate limit that exits 0 is a limit fault", "[agents][cli]") {
  Fixture f;
  agents::AgentSettings s;
  s.command = {fake("agent-claude-ratelimit")};
  auto r = f.run("claude", s, f.request());
  CHECK(r.fault == FaultKind::limit);
  CHECK(r.exit_code == 0);
  CHECK(r.error.find("Rate limit reached") != std::string::npos);
}

TEST_CASE("codex adapter: cost from the price table with the requested model", "[agents][cli]") {
  Fixture f;
  agents::AgentSettings s;
  s.command = {fake("agent-codex-ok")};
  auto r = f.run("codex", s, f.request("gpt-5.1-codex"));
  CHECK(r.fault == FaultKind::none);
  CHECK(r.final_text == "All done. LOOP_COMPLETE");
  CHECK(r.session_id == "0199a213-81c0-7800-8aa1-bbab2a035a53");
  CHECK(r.usage == domain::Usage{315, 122, 24448, 0});
  CHECK(r.cost.source == domain::CostSource::computed);
  REQUIRE(r.cost.usd);
  CHECK(*r.cost.usd == Approx((315 * 1.25 + 122 * 10 + 24448 * 0.125) / 1e6));
  CHECK(r.model == "gpt-5.1-codex");

  // Without a configured model codex names none: the cost is unknown, not $0.
  Fixture g;
  auto u = g.run("codex", s, g.request());
  CHECK(u.fault == FaultKind::none);
  CHECK(u.usage_known);
  CHECK(u.cost.source == domain::CostSource::unknown);
  CHECK_FALSE(u.cost.usd);
}

TEST_CASE("gemini adapter: deltas joined, thoughts billed, cost computed", "[agents][cli]") {
  Fixture f;
  agents::AgentSettings s;
  s.command = {fake("agent-gemini-ok")};
  auto r = f.run("gemini", s, f.request());
  CHECK(r.fault == FaultKind::none);
  CHECK(r.final_text == "Hello world");
  CHECK(r.usage == domain::Usage{600, 200, 400, 0});
  CHECK(r.model == "gemini-2.5-pro");
  CHECK(r.cost.source == domain::CostSource::computed);
  CHECK(f.sink.text == "Hello world");
}

TEST_CASE("command adapter: text, usage lines and reported cost", "[agents][cli]") {
  Fixture f;
  agents::AgentSettings s;
  s.kind = "command";
  s.command = {fake("agent-command-usage")};
  s.reports_usage = true;
  auto agent = agents::make_agent("local", s, {f.runner, f.prices});
  REQUIRE(agent);
  CHECK(agent->name() == "local");
  CHECK(agent->reports_usage());
  auto r = agent->run(f.request(), f.sink, f.cancel);
  CHECK(r.fault == FaultKind::none);
  CHECK(r.final_text == "prompt was: Fix the tests.\nworking\nLOOP_COMPLETE");
  CHECK(r.usage == domain::Usage{250, 40, 1000, 50});
  CHECK(r.cost.source == domain::CostSource::reported);
  CHECK(r.session_id == "cmd-1");
  REQUIRE(f.sink.usages.size() == 2);
  // The first usage line had no cost_usd: priced by its model.
  CHECK(f.sink.usages[0].second.source == domain::CostSource::computed);
  REQUIRE(f.sink.usages[0].second.usd);
  CHECK(*f.sink.usages[0].second.usd == Approx((100 * 3 + 10 * 15) / 1e6));
  CHECK(f.sink.usages[1].second.source == domain::CostSource::reported);
  // The raw log keeps the usage lines the final text leaves out.
  CHECK(test::read_file(f.request().log_path).find(R"({"type":"usage","input_tokens":100)") != std::string::npos);

  s.reports_usage = false;
  CHECK_FALSE(agents::make_agent("local", s, {f.runner, f.prices})->reports_usage());
}

TEST_CASE("command adapter: exit codes, and stderr in the error with secrets masked", "[agents][cli]") {
  const std::string secret = "fake-agent-secret-value-42";
  log::register_secret(secret);
  auto code = [&](int exit_code) {
    Fixture f;
    agents::AgentSettings s;
    s.kind = "command";
    s.command = {fake("agent-command-exit"), std::to_string(exit_code)};
    s.env = {{"FAKE_AGENT_SECRET", secret}};
    auto r = f.run("local", s, f.request());
    CHECK(r.exit_code == exit_code);
    CHECK(r.final_text == "partial output");
    CHECK_FALSE(r.usage_known);
    CHECK(r.cost.source == domain::CostSource::unknown);
    CHECK(r.error.find("fatal: something went wrong") != std::string::npos);
    CHECK(r.error.find(secret) == std::string::npos);
    CHECK(r.error.find("[REDACTED]") != std::string::npos);
    CHECK(test::read_file(f.request().log_path.string() + ".stderr").find(secret) == std::string::npos);
    return r.fault;
  };
  CHECK(code(75) == FaultKind::infra);
  CHECK(code(77) == FaultKind::auth);
  CHECK(code(78) == FaultKind::config);
  CHECK(code(3) == FaultKind::agent);
}

TEST_CASE("configuration faults: no command, missing binary", "[agents][cli]") {
  Fixture f;
  agents::AgentSettings s;
  s.kind = "command";
  auto r = f.run("x", s, f.request());
  CHECK(r.fault == FaultKind::config);
  CHECK(r.error == "agent 'x' has kind 'command' but no agents.x.command");

  agents::AgentSettings missing;
  missing.command = {"ralph-no-such-agent-binary"};
  auto m = f.run("claude", missing, f.request());
  CHECK(m.fault == FaultKind::config);
  CHECK(m.error == "agent 'claude' is not installed: 'ralph-no-such-agent-binary' not found in PATH "
                   "(install @anthropic-ai/claude-code or set agents.claude.command)");
  missing.kind = "command";
  auto c = f.run("mine", missing, f.request());
  CHECK(c.error == "agent 'mine' is not installed: 'ralph-no-such-agent-binary' not found in PATH "
                   "(set agents.mine.command)");
}

TEST_CASE("a hung agent ends at the deadline, at the inactivity timeout, or on cancel", "[agents][cli]") {
  Fixture f;
  agents::AgentSettings s;
  s.kind = "command";
  s.command = {fake("agent-hang")};
  auto req = f.request();
  req.kill_grace = milliseconds(200);

  SECTION("deadline") {
    req.deadline = steady_clock::now() + milliseconds(300);
    auto start = steady_clock::now();
    auto r = f.run("hang", s, req);
    CHECK(r.fault == FaultKind::timeout);
    CHECK(r.error == "iteration deadline reached");
    CHECK(r.final_text == "started");
    CHECK(steady_clock::now() - start < seconds(5));
  }
  SECTION("inactivity") {
    req.inactivity_timeout = milliseconds(300);
    auto r = f.run("hang", s, req);
    CHECK(r.fault == FaultKind::timeout);
    CHECK(r.error == "no output for 300ms");
  }
  SECTION("cancel") {
    f.cancel.cancel("budget exhausted");
    auto r = f.run("hang", s, req);
    CHECK(r.fault == FaultKind::cancelled);
    CHECK(r.error == "cancelled: budget exhausted");
  }
}
