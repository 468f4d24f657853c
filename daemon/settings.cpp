#include "daemon/settings.hpp"

#include "core/app/wakeup.hpp"
#include "core/util/error.hpp"
#include "daemon/http_server.hpp"

namespace ralph::daemon {

namespace {

std::chrono::milliseconds positive_duration(const config::Config& cfg, const char* key,
                                            std::chrono::milliseconds fallback) {
  auto v = cfg.get_duration(key).value_or(fallback);
  if (v.count() <= 0) throw ConfigError(std::string(key) + " must be longer than 0");
  return v;
}

} // namespace

DaemonSettings daemon_settings(const app::Context& ctx) {
  const auto& cfg = ctx.config;
  DaemonSettings s;
  auto slots = cfg.get_int("daemon.max_concurrent").value_or(4);
  if (slots < 1 || slots > 256) throw ConfigError("daemon.max_concurrent must be between 1 and 256, got " +
                                                  std::to_string(slots));
  s.slots = static_cast<int>(slots);
  auto batch = cfg.get_int("daemon.claim_batch").value_or(s.claim_batch);
  if (batch < 1 || batch > 256) throw ConfigError("daemon.claim_batch must be between 1 and 256, got " +
                                                  std::to_string(batch));
  s.claim_batch = static_cast<int>(batch);
  s.queues = cfg.get_list("daemon.queues");
  if (s.queues.empty()) throw ConfigError("daemon.queues is empty: ralphd would never take a task");
  for (const auto& label : cfg.get_list("daemon.labels")) {
    auto eq = label.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("daemon.labels: '" + label + "' is not key=value (for example \"gpu=true\")");
    s.labels[label.substr(0, eq)] = label.substr(eq + 1);
  }
  s.agents = cfg.get_list("daemon.agents");
  s.drain_timeout = cfg.get_duration("daemon.drain_timeout").value_or(s.drain_timeout);
  s.poll_interval = positive_duration(cfg, "daemon.poll_interval", s.poll_interval);
  s.heartbeat_interval = positive_duration(cfg, "daemon.heartbeat_interval", s.heartbeat_interval);
  s.instance_ttl = positive_duration(cfg, "daemon.instance_ttl", s.instance_ttl);
  if (s.instance_ttl < 2 * s.heartbeat_interval)
    throw ConfigError("daemon.instance_ttl must be at least twice daemon.heartbeat_interval, or a live daemon "
                      "would look dead between heartbeats");
  s.http_listen = cfg.get_string("daemon.http_listen");
  s.http_token = cfg.get_string("daemon.http_token");
  if (s.http_listen != "off" && !s.http_listen.empty()) {
    auto host = s.http_listen.substr(0, s.http_listen.rfind(':'));
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    if (!is_loopback_host(host) && s.http_token.empty())
      throw ConfigError("daemon.http_listen = " + s.http_listen +
                        " is not loopback; set daemon.http_token so the endpoints require a bearer token");
  }
  s.socket = app::wakeup_socket_path(cfg.get_string("daemon.socket"), ctx.state_dir);
  s.log_level = cfg.get_string("log.level");
  if (s.log_level.empty()) s.log_level = "info";
  return s;
}

} // namespace ralph::daemon
