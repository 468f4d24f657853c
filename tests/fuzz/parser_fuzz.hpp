#pragma once
// Shared body of the parser fuzz targets: the input split into lines, fed to
// a fresh parser, then finish() with an exit code taken from the input. Any
// throw, crash or sanitizer report is a finding; so is usage that breaks the
// parsers' promises (negative counts, a negative cost).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agents/parsers/stream_parser.hpp"

namespace ralph::fuzz {

inline int fuzz_parser(std::unique_ptr<agents::StreamParser> (*make)(), const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parser = make();
  std::string_view rest = input;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    parser->feed(rest.substr(0, nl));
    parser->take_text();
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  int exit_code = size == 0 ? 0 : static_cast<int>(data[size - 1]) - 1; // -1 .. 254
  parser->finish(exit_code, input.substr(0, 64));
  const auto& s = parser->state();
  if (s.usage.input < 0 || s.usage.output < 0 || s.usage.cache_read < 0 || s.usage.cache_write < 0) std::abort();
  if (s.reported_cost && !(*s.reported_cost >= 0)) std::abort();
  if (s.ok != (s.fault == agents::FaultKind::none)) std::abort();
  return 0;
}

} // namespace ralph::fuzz
