#include "agents/cli/cli_invocation.hpp"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

#include "core/log/redact.hpp"

namespace ralph::agents {

namespace {

std::string api_key(const AgentSettings& s) {
  if (!s.api_key.empty()) return s.api_key;
  if (!s.api_key_env.empty())
    if (const char* v = std::getenv(s.api_key_env.c_str())) return v;
  return {};
}

bool bypasses_permissions(const AgentSettings& s) {
  auto has = [&](std::string_view a) { return std::find(s.extra_args.begin(), s.extra_args.end(), a) != s.extra_args.end(); };
  return s.permission_mode == "bypassPermissions" || has("--dangerously-skip-permissions");
}

} // namespace

bool is_cli_kind(std::string_view kind) {
  return kind == "claude" || kind == "codex" || kind == "gemini" || kind == "command";
}

std::string cli_program(const AgentSettings& settings) {
  if (!settings.command.empty()) return settings.command.front();
  return settings.kind == "command" ? std::string() : settings.kind;
}

std::string_view install_hint(std::string_view kind) {
  if (kind == "claude") return "@anthropic-ai/claude-code";
  if (kind == "codex") return "@openai/codex";
  if (kind == "gemini") return "@google/gemini-cli";
  return "";
}

std::vector<std::string> cli_argv(const AgentSettings& s, const IterationRequest& req) {
  std::vector<std::string> argv = s.command;
  if (argv.empty() && s.kind != "command") argv.push_back(s.kind);
  auto add = [&](std::initializer_list<std::string> a) { argv.insert(argv.end(), a); };
  if (s.kind == "claude") {
    // stream-json needs --verbose; the prompt comes on stdin.
    add({"-p", "--output-format", "stream-json", "--verbose"});
    if (!req.model.empty()) add({"--model", req.model});
    add({"--permission-mode", s.permission_mode.empty() ? "acceptEdits" : s.permission_mode});
    if (!req.resume_session.empty()) add({"--resume", req.resume_session});
  } else if (s.kind == "codex") {
    add({"exec", "--json", "--skip-git-repo-check"});
    if (!req.model.empty()) add({"-m", req.model});
  } else if (s.kind == "gemini") {
    // Piped stdin is prepended to -p, so an empty -p sends the prompt alone.
    add({"-p", "", "-o", "stream-json"});
    if (!req.model.empty()) add({"-m", req.model});
    add({"--yolo"});
  }
  argv.insert(argv.end(), s.extra_args.begin(), s.extra_args.end());
  if (s.kind == "codex") argv.push_back("-"); // read the prompt from stdin
  return argv;
}

std::vector<std::string> cli_env(const AgentSettings& s, const IterationRequest& req) {
  std::vector<std::string> env;
  if (s.kind == "claude") {
    // Only the API calls the loop pays for: no telemetry, updater or bug reports.
    env.push_back("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1");
    // As root, Claude Code refuses bypassPermissions unless told it runs in a
    // sandbox. Whoever configured that mode for an unattended loop (typically
    // in a container, where one runs as root) asked for exactly this.
    if (bypasses_permissions(s) && ::geteuid() == 0) env.push_back("IS_SANDBOX=1");
  }
  if (auto key = api_key(s); !key.empty()) {
    log::register_secret(key);
    if (s.kind == "claude") env.push_back("ANTHROPIC_API_KEY=" + key);
    if (s.kind == "codex") {
      env.push_back("OPENAI_API_KEY=" + key);
      env.push_back("CODEX_API_KEY=" + key); // `codex exec` prefers this one
    }
    if (s.kind == "gemini") env.push_back("GEMINI_API_KEY=" + key);
  }
  for (const auto& [k, v] : s.env) env.push_back(k + "=" + v);
  env.insert(env.end(), req.env.begin(), req.env.end());
  return env;
}

} // namespace ralph::agents
