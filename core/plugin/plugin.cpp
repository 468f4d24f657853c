#include "core/plugin/plugin.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

namespace ralph::plugin {

namespace fs = std::filesystem;

namespace {

fs::path executable_dir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{} : exe.parent_path();
}

std::vector<fs::path> search_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("RALPH_PLUGIN_DIR"); env && *env) dirs.emplace_back(env);
  if (auto exe = executable_dir(); !exe.empty()) dirs.push_back(exe / RALPH_PLUGIN_RELDIR);
  dirs.emplace_back(RALPH_PLUGIN_INSTALL_DIR);
  return dirs;
}

struct Loaded {
  void* handle = nullptr;
  std::string error;
};

// Load `path` and check that it was built with this ralph. Handles are never
// closed: a plugin's objects (a store, a transfer) may live until exit.
Loaded load(const fs::path& path) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return {nullptr, ::dlerror()};
  using AbiFn = const char* (*)();
  auto plugin_abi = reinterpret_cast<AbiFn>(::dlsym(handle, "ralph_plugin_abi"));
  if (!plugin_abi) return {nullptr, path.string() + " is not a ralph plugin"};
  if (std::string(plugin_abi()) != RALPH_PLUGIN_ABI)
    return {nullptr, path.string() + " belongs to ralph " + plugin_abi() + ", not " RALPH_PLUGIN_ABI +
                         " (reinstall ralph so its plugins match)"};
  return {handle, {}};
}

} // namespace

std::string find(const std::string& file) {
  for (const auto& dir : search_dirs()) {
    std::error_code ec;
    if (fs::is_regular_file(dir / file, ec)) return (dir / file).lexically_normal().string();
  }
  return {};
}

util::Expected<void*, std::string> symbol(const std::string& file, const char* name) {
  static std::mutex mutex;
  static std::map<std::string, Loaded> loaded;
  std::lock_guard lock(mutex);
  auto it = loaded.find(file);
  if (it == loaded.end()) {
    auto path = find(file);
    Loaded result;
    if (path.empty()) {
      std::string looked;
      for (const auto& dir : search_dirs()) looked += (looked.empty() ? "" : ", ") + dir.lexically_normal().string();
      result.error = file + " is not installed (looked in " + looked + "; RALPH_PLUGIN_DIR overrides)";
    } else {
      result = load(path);
    }
    it = loaded.emplace(file, std::move(result)).first;
  }
  if (!it->second.handle) return util::unexpected(it->second.error);
  void* address = ::dlsym(it->second.handle, name);
  if (!address) return util::unexpected(file + " lacks " + name);
  return address;
}

} // namespace ralph::plugin
