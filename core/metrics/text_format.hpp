#pragma once
// Pieces of the Prometheus text exposition format (0.0.4), kept apart from
// the registry so they can be tested and reused on their own.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ralph::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>; // printed in the order given

// A label value between double quotes: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);
// A HELP text: backslash and newline escaped (quotes are legal there).
std::string escape_help(std::string_view help);
// `a="x",b="y"` (no braces); empty for no labels.
std::string render_labels(const Labels& labels);
// A sample value: integers without fraction or exponent ("3", "-2"), other
// numbers as the shortest text that reads back exactly ("0.25", "1e+21"),
// and "+Inf", "-Inf", "NaN".
std::string format_value(double v);

// Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool valid_metric_name(std::string_view name);
// Whether `name` is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, no "__" prefix).
bool valid_label_name(std::string_view name);

} // namespace ralph::metrics
