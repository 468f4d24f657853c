#include "core/hooks/hook_settings.hpp"

#include <algorithm>
#include <charconv>

#include "core/config/config.hpp"
#include "core/util/error.hpp"

namespace ralph::hooks {

namespace {

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<int> parse_percents(std::string_view text) {
  std::vector<int> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = trimmed(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    int v = 0;
    auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec != std::errc{} || p != item.data() + item.size() || v < 1 || v > 100)
      throw ConfigError("hooks.budget_warn_percent: expected comma-separated integers from 1 to 100, got \"" + item +
                        "\"");
    out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace

bool HookSettings::any(std::string_view event) const {
  auto it = commands.find(event);
  return it != commands.end() && !it->second.empty();
}

std::string config_key(std::string_view event) {
  std::string key = "hooks." + std::string(event);
  std::replace(key.begin() + 6, key.end(), '.', '_');
  return key;
}

HookSettings hook_settings(const config::Config& config) {
  HookSettings s;
  for (const char* event : k_events)
    if (auto list = config.get_list(config_key(event)); !list.empty()) s.commands[event] = std::move(list);
  if (auto t = config.get_duration("hooks.timeout"); t && t->count() > 0) s.timeout = *t;
  if (auto cap = config.get_int("hooks.output_cap")) s.output_cap = static_cast<std::size_t>(*cap);
  auto on_error = config.get_string("hooks.on_error");
  if (on_error == "fail") s.fail_on_error = true;
  else if (!on_error.empty() && on_error != "warn")
    throw ConfigError("hooks.on_error: expected \"warn\" or \"fail\", got \"" + on_error + "\"");
  if (config.has("hooks.budget_warn_percent")) s.warn_percents = parse_percents(config.get_string("hooks.budget_warn_percent"));
  return s;
}

} // namespace ralph::hooks
