#pragma once
// The audit log's CLI side: who runs a command, its redacted command line,
// and one record per command run. Writing a record never fails the command:
// when the store cannot take it, a line on stderr says so.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.hpp"

namespace ralph::cli {

struct GlobalOptions;

// main() remembers argv (without the program name) for the audit records.
void remember_command_line(int argc, char** argv);
const std::vector<std::string>& command_line();

// "user@host" of the effective user.
std::string audit_who();

// The arguments with secrets masked: passwords in URLs and libpq strings,
// registered secrets, and the values of secret config keys given with
// --set (daemon.http_token=..., agents.x.api_key=...). Pure apart from the
// registered secrets.
std::vector<std::string> redact_args(const std::vector<std::string>& args);
// The JSON array text of redact_args(args).
std::string args_json(const std::vector<std::string>& args);

// One command run, measured from its construction.
class AuditScope {
public:
  explicit AuditScope(std::string what);
  std::string_view what() const { return m_what; }
  std::optional<store::TaskId> task;
  // The record for this run so far, ending now with `exit_code` and `outcome`.
  store::AuditRecord record(int exit_code, std::string outcome) const;

private:
  std::string m_what;
  std::int64_t m_at_ms;
  std::chrono::steady_clock::time_point m_start;
};

// Appends the record to `s`; on failure warns on stderr.
void write_audit(store::Store& s, const store::AuditRecord& rec);
// Opens the configured store itself (for commands that have none open, or
// whose store was replaced, like restore); any failure is a warning.
void write_audit(const GlobalOptions& global, const store::AuditRecord& rec);

} // namespace ralph::cli
