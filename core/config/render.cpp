// `ralph config show` and config.toml.example.
#include <algorithm>
#include <cctype>

#include "core/config/config.hpp"
#include "core/config/values.hpp"
#include "core/log/redact.hpp"

namespace ralph::config {

namespace {

std::string literal(const KeyInfo& info, const Value& v) {
  // store.url and redis.url may carry a password inline: it is masked.
  if (info.type == Type::string && info.key.ends_with(".url")) return quote(log::redact(v.text));
  switch (info.type) {
  case Type::string:
  case Type::duration: return quote(v.text);
  case Type::string_list: return list_text(v.items);
  default: return v.text;
  }
}

bool is_bare_key(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// The TOML dotted key: a table name that is not a bare key is quoted, so
// pricing.models."gpt-5.1".input reads back as the same key.
std::string display_key(const KeyInfo& info, const std::string& key) {
  auto star = info.key.find('*');
  if (star == std::string_view::npos) return key;
  auto prefix = info.key.substr(0, star);
  auto suffix = info.key.substr(star + 1);
  auto name = std::string_view(key).substr(prefix.size(), key.size() - prefix.size() - suffix.size());
  return std::string(prefix) + (is_bare_key(name) ? std::string(name) : quote(name)) + std::string(suffix);
}

} // namespace

std::string mask_secret(std::string_view secret) {
  if (secret.empty()) return "";
  // A short secret keeps nothing: four characters of eight would be half of it.
  if (secret.size() >= 16) return "****" + std::string(secret.substr(secret.size() - 4));
  return "****";
}

std::string render(const Config& config, bool with_origin) {
  std::string out;
  for (const auto& [key, value] : config.values()) {
    const KeyInfo* info = find_key(key);
    if (!info) continue;
    std::string line = display_key(*info, key) + " = " + (info->secret ? quote(mask_secret(value.text)) : literal(*info, value));
    if (with_origin) {
      if (line.size() < 48) line.resize(48, ' ');
      line += "  # " + value.origin;
    }
    out += line + "\n";
  }
  return out;
}

std::string render_example() {
  std::string out =
      "# ralph configuration: every key, its default, and what it does.\n"
      "# Files, lowest precedence first: /etc/ralph/config.toml,\n"
      "# $XDG_CONFIG_HOME/ralph/config.toml, ./ralph.toml, --config FILE (or $RALPH_CONFIG);\n"
      "# then RALPH_<SECTION>_<KEY> environment variables, then flags. See config.toml(5).\n"
      "# Generated from core/config/key_table.cpp; a test keeps them in step.\n";
  std::string section;
  for (const auto& k : key_table()) {
    std::string key(k.key);
    std::string sec = key.substr(0, key.find('.'));
    bool dynamic = key.find('*') != std::string::npos;
    std::string table = dynamic ? key.substr(0, key.rfind('.')) : sec;
    std::string name = key.substr(key.rfind('.') + 1);
    if (table != section) {
      section = table;
      out += "\n";
      if (dynamic) {
        std::string shown = table;
        auto star = shown.find('*');
        const bool per_model = sec == "pricing", providers = sec == "rate_limits";
        shown.replace(star, 1, per_model ? "\"MODEL\"" : providers ? "PROVIDER" : "NAME");
        out += "# [" + shown + "]  (one table per " +
               (per_model ? "model" : providers ? "provider" : sec == "agents" ? "agent" : "budget") + ")\n";
      } else {
        out += "[" + table + "]\n";
      }
    }
    out += (dynamic ? "# " : "") + name + " = " + (k.default_text.empty() ? "…" : std::string(k.default_text));
    out += "    # " + std::string(k.doc);
    if (k.default_text.empty()) out += " (no default)";
    if (!k.env.empty()) out += " (env " + std::string(k.env) + ")";
    out += "\n";
  }
  return out;
}

} // namespace ralph::config
