#pragma once
// A small thread-safe metrics registry rendered in the Prometheus text
// exposition format (0.0.4). Updates happen per iteration and per store call,
// not per byte, so one mutex is plenty.
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ralph::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>; // printed in the order given

class Registry {
public:
  // Declares a family once (idempotent). Updates to undeclared names are ignored.
  void describe_counter(std::string name, std::string help);
  void describe_gauge(std::string name, std::string help);
  void describe_histogram(std::string name, std::string help, std::vector<double> upper_bounds);

  void add(std::string_view name, const Labels& labels, double delta = 1); // counter
  void set(std::string_view name, const Labels& labels, double value);     // gauge
  void observe(std::string_view name, const Labels& labels, double value); // histogram

  // Called by render() first: for values computed at scrape time.
  void on_scrape(std::function<void(Registry&)> fn);
  std::string render();

private:
  enum class Type { counter, gauge, histogram };
  struct Series {
    double value = 0;               // counter, gauge
    std::vector<double> buckets;    // histogram: per-bucket counts (not cumulative)
    double sum = 0;
    double count = 0;
  };
  struct Family {
    Type type = Type::counter;
    std::string help;
    std::vector<double> bounds;
    std::map<std::string, Series> series; // key: rendered label set
  };
  Series* series(std::string_view name, const Labels& labels, Type type);
  void describe(std::string name, std::string help, Type type, std::vector<double> bounds);

  std::mutex m_mutex;
  std::map<std::string, Family, std::less<>> m_families;
  std::vector<std::function<void(Registry&)>> m_scrapers;
};

// "a=\"x\",b=\"y\"" with Prometheus escaping.
std::string render_labels(const Labels& labels);
// A sample value: integers without a fraction, others shortest round-trip.
std::string format_value(double v);

} // namespace ralph::metrics
