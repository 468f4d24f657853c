#include "core/metrics/registry.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ralph::metrics {

namespace {

std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string with_le(const std::string& labels, const std::string& le) {
  return "{" + labels + (labels.empty() ? "" : ",") + "le=\"" + le + "\"}";
}

std::string braces(const std::string& labels) { return labels.empty() ? "" : "{" + labels + "}"; }

} // namespace

std::string render_labels(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=\"" + escape(v) + "\"";
  return out;
}

std::string format_value(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[40];
  if (v == std::floor(v) && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else {
    // The shortest text that reads back as the same double: 0.0005, not 0.00050000000000000001.
    for (int precision = 1; precision <= 17; ++precision) {
      std::snprintf(buf, sizeof buf, "%.*g", precision, v);
      if (std::strtod(buf, nullptr) == v) break;
    }
  }
  return buf;
}

void Registry::describe(std::string name, std::string help, Type type, std::vector<double> bounds) {
  std::lock_guard lock(m_mutex);
  auto& f = m_families[std::move(name)];
  f.type = type;
  f.help = std::move(help);
  f.bounds = std::move(bounds);
}

void Registry::describe_counter(std::string name, std::string help) { describe(std::move(name), std::move(help), Type::counter, {}); }
void Registry::describe_gauge(std::string name, std::string help) { describe(std::move(name), std::move(help), Type::gauge, {}); }
void Registry::describe_histogram(std::string name, std::string help, std::vector<double> upper_bounds) {
  describe(std::move(name), std::move(help), Type::histogram, std::move(upper_bounds));
}

Registry::Series* Registry::series(std::string_view name, const Labels& labels, Type type) {
  auto it = m_families.find(name);
  if (it == m_families.end() || it->second.type != type) return nullptr;
  auto& s = it->second.series[render_labels(labels)];
  if (type == Type::histogram && s.buckets.empty()) s.buckets.assign(it->second.bounds.size(), 0);
  return &s;
}

void Registry::add(std::string_view name, const Labels& labels, double delta) {
  std::lock_guard lock(m_mutex);
  if (auto* s = series(name, labels, Type::counter)) s->value += delta;
}

void Registry::set(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lock(m_mutex);
  if (auto* s = series(name, labels, Type::gauge)) s->value = value;
}

void Registry::observe(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lock(m_mutex);
  auto* s = series(name, labels, Type::histogram);
  if (!s) return;
  const auto& bounds = m_families.find(name)->second.bounds;
  for (std::size_t i = 0; i < bounds.size(); ++i)
    if (value <= bounds[i]) {
      s->buckets[i] += 1;
      break;
    }
  s->sum += value;
  s->count += 1;
}

void Registry::on_scrape(std::function<void(Registry&)> fn) {
  std::lock_guard lock(m_mutex);
  m_scrapers.push_back(std::move(fn));
}

std::string Registry::render() {
  std::vector<std::function<void(Registry&)>> scrapers;
  {
    std::lock_guard lock(m_mutex);
    scrapers = m_scrapers;
  }
  for (auto& fn : scrapers) fn(*this);
  std::lock_guard lock(m_mutex);
  std::string out;
  for (const auto& [name, f] : m_families) {
    const char* type = f.type == Type::counter ? "counter" : f.type == Type::gauge ? "gauge" : "histogram";
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, s] : f.series) {
      if (f.type != Type::histogram) {
        out += name + braces(labels) + " " + format_value(s.value) + "\n";
        continue;
      }
      double cumulative = 0;
      for (std::size_t i = 0; i < f.bounds.size(); ++i) {
        cumulative += s.buckets[i];
        out += name + "_bucket" + with_le(labels, format_value(f.bounds[i])) + " " + format_value(cumulative) + "\n";
      }
      out += name + "_bucket" + with_le(labels, "+Inf") + " " + format_value(s.count) + "\n";
      out += name + "_sum" + braces(labels) + " " + format_value(s.sum) + "\n";
      out += name + "_count" + braces(labels) + " " + format_value(s.count) + "\n";
    }
  }
  return out;
}

} // namespace ralph::metrics
