// Fuzz target: any bytes, as lines of codex agent output, through its stream parser.
#include "tests/fuzz/parser_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ralph::fuzz::fuzz_parser(ralph::agents::make_codex_parser, data, size);
}
