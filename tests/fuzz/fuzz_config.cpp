// Fuzz target: any bytes as a ralph.toml. Only ConfigError may come out, and
// whatever loads must render (`ralph config show`) as TOML that loads again
// to the same values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "core/config/config.hpp"
#include "core/util/error.hpp"

namespace {

std::filesystem::path private_dir(const char* name) {
  auto d = std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

void write(const std::filesystem::path& file, const char* data, std::size_t size) {
  std::ofstream(file, std::ios::binary | std::ios::trunc).write(data, static_cast<std::streamsize>(size));
}

ralph::config::Config load_from(const std::filesystem::path& dir) {
  ralph::config::LoadOptions options;
  options.cwd = dir;
  options.read_system_files = false; // and an empty environment: no user file
  return ralph::config::load(options);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path input_dir = private_dir("ralph-fuzz-config");
  static const std::filesystem::path again_dir = private_dir("ralph-fuzz-config-again");
  write(input_dir / "ralph.toml", reinterpret_cast<const char*>(data), size);
  ralph::config::Config cfg;
  try {
    cfg = load_from(input_dir);
  } catch (const ralph::ConfigError&) {
    return 0;
  }
  (void)ralph::config::render(cfg, true);
  const std::string shown = ralph::config::render(cfg, false);
  write(again_dir / "ralph.toml", shown.data(), shown.size());
  try {
    auto again = load_from(again_dir);
    for (const auto& [key, value] : cfg.values()) {
      const auto* info = ralph::config::find_key(key);
      const auto* reloaded = again.find(key);
      if (!reloaded || (!info->secret && reloaded->text != value.text)) std::abort();
    }
  } catch (const ralph::ConfigError&) {
    std::abort(); // config show printed something that is not valid configuration
  }
  return 0;
}
