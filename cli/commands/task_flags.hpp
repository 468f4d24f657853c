#pragma once
// The task flags shared by `ralph run` and (later) `ralph submit`: each one
// overrides a config key, so flags, files and environment share one
// validation and `config show --origin` can say which flag set a value.
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "core/domain/task.hpp"

namespace CLI { class App; }

namespace ralph::cli {

struct TaskFlags {
  std::string workdir;
  std::vector<std::string> gates;
  bool no_git = false;
  bool allow_unmetered = false;
  std::vector<FlagValue> values; // filled by to_flag_values()

  // Registers the flags on a subcommand.
  void add_to(CLI::App& cmd);
  // Converts the parsed flags into config overrides.
  std::vector<FlagValue> to_flag_values() const;

private:
  struct Opt {
    std::string key, flag, text;
  };
  std::vector<Opt> m_opts;
};

// What `run` and `submit` start from: the workdir (which must exist), the
// configuration with the task flags on top (its warnings printed), and the
// spec built from it. Throws UsageError/ConfigError.
struct LoadedTask {
  Context ctx;
  domain::TaskSpec spec;
};
LoadedTask load_task(const GlobalOptions& global, const TaskFlags& flags);

} // namespace ralph::cli
