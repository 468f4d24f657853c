#include "core/metrics/registry.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>

namespace ralph::metrics {

namespace {

const char* type_name(int type) {
  static const char* const names[] = {"counter", "gauge", "histogram"};
  return names[type];
}

// Sorted, without duplicates and without +Inf/NaN (the +Inf bucket is always printed).
std::vector<double> normalized_bounds(std::vector<double> bounds) {
  std::erase_if(bounds, [](double b) { return !std::isfinite(b); });
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return bounds;
}

bool valid_label_names(const Labels& labels) {
  return std::all_of(labels.begin(), labels.end(), [](const auto& l) { return valid_label_name(l.first); });
}

// `{a="x",le="0.5"}`: the series' labels plus one more, or just the series' own.
std::string braces(const std::string& labels, std::string_view extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{" + labels;
  if (!labels.empty() && !extra.empty()) out += ',';
  out += extra;
  return out + "}";
}

} // namespace

void Registry::misuse([[maybe_unused]] const char* what, [[maybe_unused]] std::string_view name) {
  ++m_misuses;
#ifndef NDEBUG
  // A bug in the caller, not a runtime condition: say which metric before aborting.
  std::fprintf(stderr, "metrics::Registry: %s: %.*s\n", what, static_cast<int>(name.size()), name.data());
  assert(false && "metrics::Registry misuse");
#endif
}

void Registry::describe(std::string name, std::string help, Type type, std::vector<double> bounds) {
  bounds = normalized_bounds(std::move(bounds));
  std::lock_guard lock(m_mutex);
  if (!valid_metric_name(name)) return misuse("invalid metric name", name);
  auto [it, inserted] = m_families.try_emplace(std::move(name));
  Family& f = it->second;
  if (!inserted) {
    if (f.type != type || f.bounds != bounds) misuse("family declared again differently", it->first);
    return;
  }
  f.type = type;
  f.help = std::move(help);
  f.bounds = std::move(bounds);
}

void Registry::describe_counter(std::string name, std::string help) {
  describe(std::move(name), std::move(help), Type::counter, {});
}

void Registry::describe_gauge(std::string name, std::string help) {
  describe(std::move(name), std::move(help), Type::gauge, {});
}

void Registry::describe_histogram(std::string name, std::string help, std::vector<double> upper_bounds) {
  describe(std::move(name), std::move(help), Type::histogram, std::move(upper_bounds));
}

Registry::Series* Registry::find_series(std::string_view name, const Labels& labels, Type type) {
  auto family = m_families.find(name);
  if (family == m_families.end()) {
    misuse("undeclared metric", name);
    return nullptr;
  }
  Family& f = family->second;
  if (f.type != type) {
    misuse("wrong update for the metric's type", name);
    return nullptr;
  }
  if (auto it = f.series.find(labels); it != f.series.end()) return &it->second;
  // Validated once per new series, so the common path stays a map lookup.
  if (!valid_label_names(labels)) {
    misuse("invalid label name", name);
    return nullptr;
  }
  Series& s = f.series[labels];
  s.counts.assign(f.bounds.size(), 0);
  return &s;
}

void Registry::add(std::string_view name, const Labels& labels, double delta) {
  std::lock_guard lock(m_mutex);
  if (!(delta >= 0)) return misuse("counters only go up", name);
  if (auto* s = find_series(name, labels, Type::counter)) s->value += delta;
}

void Registry::set(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lock(m_mutex);
  if (auto* s = find_series(name, labels, Type::gauge)) s->value = value;
}

void Registry::observe(std::string_view name, const Labels& labels, double value) {
  std::lock_guard lock(m_mutex);
  auto* s = find_series(name, labels, Type::histogram);
  if (!s) return;
  const auto& bounds = m_families.find(name)->second.bounds;
  // The first bucket whose bound is >= value; a value above all bounds only counts in +Inf.
  auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value);
  if (bucket != bounds.end()) ++s->counts[static_cast<std::size_t>(bucket - bounds.begin())];
  s->sum += value;
  ++s->count;
}

void Registry::on_scrape(std::function<void(Registry&)> fn) {
  std::lock_guard lock(m_mutex);
  m_scrapers.push_back(std::move(fn));
}

std::size_t Registry::misuse_count() const {
  std::lock_guard lock(m_mutex);
  return m_misuses;
}

void Registry::render_family(std::string& out, const std::string& name, const Family& f) {
  out += "# HELP " + name + " " + escape_help(f.help) + "\n";
  out += "# TYPE " + name + " " + type_name(static_cast<int>(f.type)) + "\n";
  for (const auto& [labels, s] : f.series) {
    const std::string rendered = render_labels(labels);
    if (f.type != Type::histogram) {
      out += name + braces(rendered) + " " + format_value(s.value) + "\n";
      continue;
    }
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < f.bounds.size(); ++i) {
      cumulative += s.counts[i];
      out += name + "_bucket" + braces(rendered, "le=\"" + format_value(f.bounds[i]) + "\"") + " " +
             format_value(static_cast<double>(cumulative)) + "\n";
    }
    const std::string count = format_value(static_cast<double>(s.count));
    out += name + "_bucket" + braces(rendered, "le=\"+Inf\"") + " " + count + "\n";
    out += name + "_sum" + braces(rendered) + " " + format_value(s.sum) + "\n";
    out += name + "_count" + braces(rendered) + " " + count + "\n";
  }
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
  for (const auto& [name, family] : m_families) render_family(out, name, family);
  return out;
}

} // namespace ralph::metrics
