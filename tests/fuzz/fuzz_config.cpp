// Fuzz target: any bytes as a ralph.toml. Only ConfigError may come out.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <unistd.h>

#include "core/config/config.hpp"
#include "core/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("ralph-fuzz-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  std::ofstream(dir / "ralph.toml", std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                               static_cast<std::streamsize>(size));
  ralph::config::LoadOptions options;
  options.cwd = dir;
  options.read_system_files = false;
  try {
    auto cfg = ralph::config::load(options);
    (void)ralph::config::render(cfg, true);
  } catch (const ralph::ConfigError&) {
  }
  return 0;
}
