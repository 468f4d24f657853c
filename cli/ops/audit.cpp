#include "cli/ops/audit.hpp"

#include <cstdio>
#include <filesystem>

#include <pwd.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "core/clock/clock.hpp"
#include "core/config/config.hpp"
#include "core/log/redact.hpp"

namespace ralph::cli {

namespace {

std::vector<std::string>& remembered() {
  static std::vector<std::string> args;
  return args;
}

// "key=value" given to --set: the value is masked when the key is secret.
std::string redact_setting(const std::string& setting) {
  auto eq = setting.find('=');
  if (eq == std::string::npos) return setting;
  const auto* info = config::find_key(setting.substr(0, eq));
  if (info && info->secret) return setting.substr(0, eq + 1) + "[REDACTED]";
  return setting;
}

} // namespace

void remember_command_line(int argc, char** argv) {
  remembered().assign(argv + (argc > 0 ? 1 : 0), argv + argc);
}

const std::vector<std::string>& command_line() { return remembered(); }

std::string audit_who() {
  std::string user;
  if (const auto* pw = getpwuid(geteuid())) user = pw->pw_name;
  else user = std::to_string(geteuid());
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return user + "@" + (host[0] ? host : "unknown");
}

std::vector<std::string> redact_args(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  bool setting_next = false;
  for (const auto& a : args) {
    std::string v = a;
    if (setting_next) v = redact_setting(a);
    else if (a.starts_with("--set=")) v = "--set=" + redact_setting(a.substr(6));
    setting_next = a == "--set";
    out.push_back(log::redact(v));
  }
  return out;
}

std::string args_json(const std::vector<std::string>& args) {
  return nlohmann::json(redact_args(args)).dump();
}

AuditScope::AuditScope(std::string what)
    : m_what(std::move(what)), m_at_ms(clock::to_unix_ms(std::chrono::system_clock::now())),
      m_start(std::chrono::steady_clock::now()) {}

store::AuditRecord AuditScope::record(int exit_code, std::string outcome) const {
  store::AuditRecord r;
  r.at_ms = m_at_ms;
  r.who = audit_who();
  r.what = m_what;
  r.args = args_json(command_line());
  r.task = task;
  r.exit_code = exit_code;
  r.outcome = log::redact(outcome);
  r.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_start).count();
  return r;
}

void write_audit(store::Store& s, const store::AuditRecord& rec) {
  auto written = s.append_audit(rec);
  if (!written)
    std::fprintf(stderr, "ralph: could not write the audit record of '%s': %s\n", rec.what.c_str(),
                 log::redact(written.error().message).c_str());
}

void write_audit(const GlobalOptions& global, const store::AuditRecord& rec) {
  try {
    auto ctx = load_context(global, {});
    // Never create a store just to audit (a health check of a host whose
    // store is missing must keep failing).
    if (auto file = store::embedded_store_path(ctx.store_url); !file.empty() && !std::filesystem::exists(file)) {
      std::fprintf(stderr, "ralph: could not write the audit record of '%s': no store at %s\n", rec.what.c_str(),
                   file.c_str());
      return;
    }
    clock::SystemClock clock;
    auto s = open_store(ctx, clock);
    write_audit(*s, rec);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ralph: could not write the audit record of '%s': %s\n", rec.what.c_str(),
                 log::redact(e.what()).c_str());
  }
}

} // namespace ralph::cli
