// The pure parts of the ops commands: exit-code mapping of a script run,
// redaction of the audited command line, the environment a script gets,
// and the parsing of health-check.sh's lines for `ralph health --json`.
#include <catch2/catch.hpp>
#include <csignal>

#include <sys/wait.h>
#include <unistd.h>

#include "cli/context.hpp"
#include "cli/ops/audit.hpp"
#include "cli/ops/health_report.hpp"
#include "cli/ops/ops_run.hpp"
#include "cli/ops/script_runner.hpp"
#include "core/log/redact.hpp"

using namespace ralph;

namespace {

// A real wait status: a child that exits with `code`, or dies of `sig`.
int status_of(int code, int sig = 0) {
  pid_t pid = fork();
  if (pid == 0) {
    if (sig) raise(sig);
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

} // namespace

TEST_CASE("a script's exit codes pass through; a signal becomes 128 + N") {
  CHECK(cli::exit_code_for_status(status_of(0)) == 0);
  CHECK(cli::exit_code_for_status(status_of(3)) == 3);
  CHECK(cli::exit_code_for_status(status_of(4)) == 4);
  CHECK(cli::exit_code_for_status(status_of(0, SIGTERM)) == 128 + SIGTERM);
  CHECK(cli::exit_code_for_status(status_of(0, SIGKILL)) == 137);
  CHECK(cli::exit_code_for_status(status_of(0, SIGINT)) == 130);
}

TEST_CASE("the audited command line has no secrets") {
  auto out = cli::redact_args({"backup", "--set", "store.url=postgresql://ralph:s3cretpass@db/ralph",
                               "--set=daemon.http_token=tok-abcdefgh", "--set", "daemon.http_token=short",
                               "--set", "loop.max_cost=5", "--to", "/backups"});
  REQUIRE(out.size() == 10);
  CHECK(out[0] == "backup");
  CHECK(out[2].find("s3cretpass") == std::string::npos);
  CHECK(out[2].find("db/ralph") != std::string::npos);
  CHECK(out[3] == "--set=daemon.http_token=[REDACTED]");
  CHECK(out[5] == "daemon.http_token=[REDACTED]");
  CHECK(out[7] == "loop.max_cost=5");
  CHECK(out[9] == "/backups");
  auto json = cli::args_json({"restore", "postgresql://u:hunter2pw@h/d"});
  CHECK(json.find("hunter2pw") == std::string::npos);
  CHECK(json.starts_with("[\"restore\","));
}

TEST_CASE("a script gets the resolved configuration through its environment") {
  app::Context ctx;
  ctx.state_dir = "/var/lib/ralph";
  ctx.store_url = "postgresql://ralph:pw@db/ralph";
  ctx.config.set("daemon.http_listen", "127.0.0.1:9999", "test");
  ctx.config.set("daemon.http_token", "the-token-value", "test");
  ctx.config.set("ops.retention", "90", "test");
  ctx.config.set("failover.promote_command", "pg_ctl promote", "test");
  cli::GlobalOptions global;
  auto s = cli::script_settings(ctx, global, "/usr/bin/ralph");
  CHECK(s.at("RALPH_STORE_URL") == "postgresql://ralph:pw@db/ralph");
  CHECK(s.at("RALPH_STATE_DIR") == "/var/lib/ralph");
  CHECK(s.at("RALPH_PATHS_STATE_DIR") == "/var/lib/ralph");
  CHECK(s.at("RALPH_BIN") == "/usr/bin/ralph");
  CHECK(s.at("RALPH_DAEMON_HTTP_LISTEN") == "127.0.0.1:9999");
  CHECK(s.at("RALPH_DAEMON_HTTP_TOKEN") == "the-token-value");
  CHECK(s.at("RALPH_RETENTION") == "90s"); // the scripts want a unit
  CHECK(s.at("RALPH_FAILOVER_PROMOTE_COMMAND") == "pg_ctl promote");
  CHECK_FALSE(s.contains("RALPH_BACKUP_DIR"));
  CHECK_FALSE(s.contains("RALPH_CONFIG"));

  std::string a = "PATH=/bin", b = "RALPH_STORE_URL=sqlite:///old.db", c = "HOME=/root";
  char* base[] = {a.data(), b.data(), c.data(), nullptr};
  auto env = cli::merge_environment(base, {{"RALPH_STORE_URL", "sqlite:///new.db"}, {"RALPH_BIN", "/x"}});
  CHECK(env == std::vector<std::string>{"PATH=/bin", "HOME=/root", "RALPH_BIN=/x", "RALPH_STORE_URL=sqlite:///new.db"});
}

TEST_CASE("health-check.sh's lines become checks") {
  auto checks = cli::parse_health_output("ok   daemon /healthz: http://127.0.0.1:9187 answered 200\n"
                                         "FAIL store: cannot read /x/ralph.db: no such file\n"
                                         "garbage line\n"
                                         "ok   disk: 2048 MB free");
  REQUIRE(checks.size() == 3);
  CHECK(checks[0].check == "daemon /healthz");
  CHECK(checks[0].ok);
  CHECK(checks[0].detail == "http://127.0.0.1:9187 answered 200");
  CHECK(checks[1].check == "store");
  CHECK_FALSE(checks[1].ok);
  CHECK(checks[1].detail == "cannot read /x/ralph.db: no such file");
  CHECK(checks[2].check == "disk");
  auto json = cli::health_json(checks, false);
  CHECK(json.find("\"ok\": false") != std::string::npos);
  CHECK(json.find("\"check\": \"daemon /healthz\"") != std::string::npos);
  CHECK(cli::parse_health_output("").empty());
}

TEST_CASE("a missing script names where it was looked for") {
  setenv("RALPH_SCRIPTS_DIR", "/nonexistent/scripts", 1);
  std::vector<std::string> searched;
  CHECK(cli::find_script("backup.sh", searched).empty());
  CHECK(searched == std::vector<std::string>{"/nonexistent/scripts/backup.sh"});
  unsetenv("RALPH_SCRIPTS_DIR");
}

TEST_CASE("the audit log's outcome names how a script run ended") {
  CHECK(cli::outcome_text(0, "") == "ok");
  CHECK(cli::outcome_text(0, "ok: /b/ralph-backup-1") == "ok: /b/ralph-backup-1");
  CHECK(cli::outcome_text(4, "ignored") == "failed (exit 4)");
  CHECK(cli::outcome_text(127, "") == "script not found");
  CHECK(cli::outcome_text(126, "") == "script not executable");
  CHECK(cli::outcome_text(143, "") == "killed by signal 15");
}
