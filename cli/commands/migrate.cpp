// ralph migrate: brings the store's schema up to date (ralphd does the same
// at start). On PostgreSQL this is the one CLI command that changes the
// schema; with --check it only says whether a migration is due.
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "core/clock/clock.hpp"
#include "core/store/store.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

struct MigrateOptions {
  bool check = false;
  bool json = false;
};

void report(const std::string& url, const store::SchemaVersion& before, int after, bool check, bool json) {
  bool due = before.current < before.latest;
  if (json) {
    nlohmann::json out = {{"store", store::display_url(url)}, {"from", before.current}, {"to", after},
                          {"latest", before.latest}, {"migrated", !check && due}, {"due", check && due}};
    std::printf("%s\n", out.dump(2).c_str());
    return;
  }
  if (!due) std::printf("%s: schema version %d, up to date\n", store::display_url(url).c_str(), before.current);
  else if (check)
    std::printf("%s: schema version %d, migration to %d due\n", store::display_url(url).c_str(), before.current,
                before.latest);
  else std::printf("%s: schema version %d -> %d\n", store::display_url(url).c_str(), before.current, after);
}

int migrate(const GlobalOptions& global, const MigrateOptions& opts) {
  auto ctx = load_context(global, {});
  clock::SystemClock clock;
  auto opened = store::open_store(ctx.store_url, clock);
  if (!opened) throw Error("cannot open the store: " + opened.error().message);
  auto& store = **opened;
  auto before = store.schema_version();
  if (!before) throw Error("cannot read the store: " + before.error().message);
  if (before->current > before->latest)
    throw Error("the store at " + store::display_url(ctx.store_url) + " has schema version " +
                std::to_string(before->current) + ", newer than this ralph (" + std::to_string(before->latest) +
                "): upgrade ralph");
  int after = before->current;
  if (!opts.check && before->current < before->latest) {
    // Safe with daemons starting at the same moment: migrations run under a lock.
    auto migrated = store.migrate();
    if (!migrated) throw Error("cannot migrate the store: " + migrated.error().message);
    auto now = store.schema_version();
    if (!now) throw Error("cannot read the store: " + now.error().message);
    after = now->current;
  }
  report(ctx.store_url, *before, after, opts.check, opts.json);
  return opts.check && before->current < before->latest ? 1 : 0;
}

} // namespace

void add_migrate_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto opts = std::make_shared<MigrateOptions>();
  auto* cmd = app.add_subcommand("migrate", "Bring the store's schema up to date (ralphd also does at start)");
  cmd->add_flag("--check", opts->check, "change nothing; exit 1 when a migration is due");
  cmd->add_flag("--json", opts->json, "print JSON");
  cmd->callback([&global, &exit_code, opts] { exit_code = migrate(global, *opts); });
}

} // namespace ralph::cli
