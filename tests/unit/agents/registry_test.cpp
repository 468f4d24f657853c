// make_agent's kind resolution, detect_agents, fault names, and the
// iteration log's bounds and masking.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "agents/agent.hpp"
#include "agents/cli/iteration_log.hpp"
#include "core/log/redact.hpp"
#include "core/pricing/pricing.hpp"
#include "core/proc/process.hpp"
#include "tests/support/sandbox.hpp"

using namespace ralph;
using agents::FaultKind;

TEST_CASE("make_agent: the kind defaults to the name when the name is a kind", "[agents][registry]") {
  proc::PosixProcessRunner runner;
  auto prices = pricing::PriceTable::builtin();
  agents::AgentContext ctx{runner, prices};
  for (const char* kind : {"claude", "codex", "gemini"}) {
    auto a = agents::make_agent(kind, {}, ctx);
    REQUIRE(a);
    CHECK(a->name() == kind);
    CHECK(a->reports_usage());
  }
  CHECK(agents::make_agent("anthropic", {}, ctx));
  CHECK(agents::make_agent("openai", {}, ctx));
  CHECK_FALSE(agents::make_agent("my-agent", {}, ctx)); // no kind, and the name is none
  agents::AgentSettings unknown;
  unknown.kind = "cursor";
  CHECK_FALSE(agents::make_agent("claude", unknown, ctx));
  agents::AgentSettings fast;
  fast.kind = "claude";
  auto a = agents::make_agent("claude-fast", fast, ctx);
  REQUIRE(a);
  CHECK(a->name() == "claude-fast");
}

TEST_CASE("detect_agents: built-in CLIs always listed, versions from --version", "[agents][registry]") {
  test::Sandbox box;
  auto script = box.write("fake-claude", "#!/bin/sh\nprintf '\\n  2.1.197 (Claude Code)  \\nmore\\n'\n");
  ::chmod(script.c_str(), 0755);
  auto cmd = box.write("my-agent", "#!/bin/sh\necho 'must not run'; touch \"$0.ran\"\n");
  ::chmod(cmd.c_str(), 0755);
  std::map<std::string, agents::AgentSettings> configured;
  configured["claude"].command = {script.string()};
  configured["mine"].kind = "command";
  configured["mine"].command = {cmd.string()};
  configured["empty"].kind = "command";
  configured["gone"].kind = "codex";
  configured["gone"].command = {(box / "nope").string()};
  configured["api"].kind = "anthropic";

  proc::PosixProcessRunner runner;
  auto infos = agents::detect_agents(configured, runner);
  std::map<std::string, agents::AgentInfo> by_name;
  for (const auto& i : infos) by_name[i.name] = i;
  for (const char* n : {"claude", "codex", "gemini", "mine", "empty", "gone", "api"}) CHECK(by_name.count(n) == 1);

  CHECK(by_name["claude"].installed);
  CHECK(by_name["claude"].path == script.string());
  CHECK(by_name["claude"].version == "2.1.197 (Claude Code)");
  CHECK(by_name["mine"].installed);
  CHECK(by_name["mine"].kind == "command");
  CHECK(by_name["mine"].version.empty());
  CHECK_FALSE(std::filesystem::exists(cmd.string() + ".ran")); // a user's script is never run to detect it
  CHECK_FALSE(by_name["empty"].installed);
  CHECK_FALSE(by_name["gone"].installed);
  CHECK(by_name["gone"].kind == "codex");
  CHECK(by_name["api"].installed);
}

TEST_CASE("fault kind names", "[agents]") {
  CHECK(agents::to_string(FaultKind::none) == "ok");
  CHECK(agents::to_string(FaultKind::limit) == "limit");
  CHECK(agents::to_string(FaultKind::timeout) == "timeout");
  CHECK(agents::to_string(FaultKind::cancelled) == "cancelled");
}

TEST_CASE("iteration log: appends, masks secrets split across reads, stops at its limit", "[agents][log]") {
  test::Sandbox box;
  const std::string secret = "log-secret-0123456789";
  log::register_secret(secret);
  auto path = box / "a/b/it.log";
  {
    agents::IterationLog log(path, 100);
    log.write("first line\nkey=log-secret-");
    log.write("0123456789 end\n");
    log.write("unfinished");
  }
  CHECK(test::read_file(path) == "first line\nkey=[REDACTED] end\nunfinished");
  {
    agents::IterationLog log(path, 40);
    log.write("0123456789\n");
    log.write(std::string(100, 'x') + "\n");
    log.write("after the limit\n");
  }
  auto text = test::read_file(path);
  CHECK(text.find("first line\n") == 0); // appended, not truncated
  CHECK(text.find("unfinished0123456789\n") != std::string::npos);
  CHECK(text.find("xxxx") == std::string::npos);
  CHECK(text.find("after the limit") == std::string::npos);
  CHECK(text.find("[ralph: output log stopped at 11 bytes (limit 40); the rest was not kept]\n") != std::string::npos);
  agents::IterationLog none({}); // an empty path keeps nothing and does not fail
  none.write("x\n");
}
