#include "core/app/context.hpp"

#include "core/util/error.hpp"

namespace ralph::app {

Context load_context(const Overrides& opts, const std::vector<FlagValue>& flags, const std::filesystem::path& cwd) {
  config::LoadOptions lo;
  lo.env = config::process_environment();
  lo.cwd = cwd;
  if (!opts.config_file.empty()) lo.config_file = opts.config_file;
  Context ctx{config::load(lo), {}, {}};

  for (const auto& set : opts.sets) {
    auto eq = set.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--set expects key=value, got '" + set + "'");
    ctx.config.set(set.substr(0, eq), set.substr(eq + 1), "flag --set");
  }
  if (!opts.state_dir.empty()) ctx.config.set("paths.state_dir", opts.state_dir, "flag --state-dir");
  for (const auto& f : flags) ctx.config.set(f.key, f.text, "flag " + f.flag);

  auto dir = ctx.config.get_string("paths.state_dir");
  ctx.state_dir = dir.empty() ? config::default_state_dir(lo.env) : std::filesystem::path(dir);
  ctx.state_dir = std::filesystem::absolute(ctx.state_dir);
  ctx.store_url = ctx.config.get_string("store.url");
  // DATABASE_URL is honoured when it names PostgreSQL and store.url is unset;
  // another kind of database there belongs to some other program.
  if (ctx.store_url.empty())
    if (auto it = lo.env.find("DATABASE_URL"); it != lo.env.end() &&
        (it->second.starts_with("postgresql://") || it->second.starts_with("postgres://")))
      ctx.store_url = it->second;
  if (ctx.store_url.empty()) ctx.store_url = "sqlite://" + (ctx.state_dir / "ralph.db").string();
  return ctx;
}

namespace {

void require_current_schema(store::Store& store, const std::string& url) {
  auto version = store.schema_version();
  if (!version) throw Error("cannot read the store: " + version.error().message);
  if (version->current == version->latest) return;
  auto versions = std::to_string(version->current) + ", this ralph " + std::to_string(version->latest);
  if (version->current > version->latest)
    throw Error("the store at " + store::display_url(url) + " has a newer schema (version " + versions +
                "): upgrade ralph");
  throw Error("the store at " + store::display_url(url) + " needs a schema migration (version " + versions +
              "): run `ralph migrate`, or start ralphd, which migrates");
}

} // namespace

std::unique_ptr<store::Store> open_store(const Context& ctx, const clock::Clock& clock, SchemaPolicy policy) {
  auto opened = store::open_store(ctx.store_url, clock);
  if (!opened) throw Error("cannot open the store: " + opened.error().message);
  if (policy == SchemaPolicy::require_current && store::is_postgres_url(ctx.store_url)) {
    require_current_schema(**opened, ctx.store_url);
    return std::move(*opened);
  }
  auto migrated = (*opened)->migrate();
  if (!migrated) throw Error("cannot prepare the store: " + migrated.error().message);
  return std::move(*opened);
}

} // namespace ralph::app
