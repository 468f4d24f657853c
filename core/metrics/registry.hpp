#pragma once
// A small thread-safe metrics registry rendered in the Prometheus text
// exposition format (0.0.4). Updates happen per iteration and per store call,
// not per byte, so one mutex is plenty.
//
// Every family is declared once with describe_*(); the update call implies
// the type. Updating an undeclared name, or a name with the wrong call, is a
// programming error: it asserts in debug builds and is ignored in release
// builds (a metric must never take the daemon down).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics/text_format.hpp"

namespace ralph::metrics {

class Registry {
public:
  // Declares a family (idempotent: the first declaration wins; declaring the
  // same name again with another type or other bounds is misuse).
  void describe_counter(std::string name, std::string help);
  void describe_gauge(std::string name, std::string help);
  // `upper_bounds` need not be sorted; "+Inf" is implied and need not be given.
  void describe_histogram(std::string name, std::string help, std::vector<double> upper_bounds);

  void add(std::string_view name, const Labels& labels, double delta = 1); // counter; delta >= 0
  void set(std::string_view name, const Labels& labels, double value);     // gauge
  void observe(std::string_view name, const Labels& labels, double value); // histogram

  // Called by render() before it takes its snapshot, outside the registry's
  // lock (so they may call set()): for values computed at scrape time.
  void on_scrape(std::function<void(Registry&)> fn);
  // Families sorted by name, series by label set; HELP and TYPE even for a
  // family without series yet.
  std::string render();

  // How many updates were ignored as misuse (release builds; debug asserts).
  std::size_t misuse_count() const;

private:
  enum class Type { counter, gauge, histogram };
  struct Series {
    double value = 0;                  // counter, gauge
    std::vector<std::uint64_t> counts; // histogram: per bucket, not cumulative
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct Family {
    Type type = Type::counter;
    std::string help;
    std::vector<double> bounds;
    std::map<Labels, Series> series;
  };

  void describe(std::string name, std::string help, Type type, std::vector<double> bounds);
  Series* find_series(std::string_view name, const Labels& labels, Type type); // m_mutex held
  void misuse(const char* what, std::string_view name);                        // m_mutex held
  static void render_family(std::string& out, const std::string& name, const Family& family);

  mutable std::mutex m_mutex;
  std::map<std::string, Family, std::less<>> m_families;
  std::vector<std::function<void(Registry&)>> m_scrapers;
  std::size_t m_misuses = 0;
};

} // namespace ralph::metrics
