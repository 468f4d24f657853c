// Fuzz target: any bytes, as lines of command agent output, through its stream parser.
#include "tests/fuzz/parser_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ralph::fuzz::fuzz_parser(ralph::agents::make_command_parser, data, size);
}
