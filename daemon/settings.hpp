#pragma once
// ralphd's own settings, read from the daemon.* keys of the effective
// configuration (and read again on SIGHUP).
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/app/context.hpp"

namespace ralph::daemon {

struct DaemonSettings {
  int slots = 4;
  int claim_batch = 8; // most tasks one claim transaction takes for the free slots
  std::vector<std::string> queues{"default"};
  std::map<std::string, std::string> labels;
  std::vector<std::string> agents; // empty: those installed here
  std::chrono::milliseconds drain_timeout{90'000};
  std::chrono::milliseconds poll_interval{1'000};
  std::chrono::milliseconds heartbeat_interval{1'000};
  std::chrono::milliseconds instance_ttl{10'000};
  std::string http_listen = "127.0.0.1:9187";
  std::string http_token;
  std::filesystem::path socket;
  std::string log_level = "info";
};

// Throws ConfigError with the key's name when a value is out of range.
DaemonSettings daemon_settings(const app::Context& ctx);

} // namespace ralph::daemon
