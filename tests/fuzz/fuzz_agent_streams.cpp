// Fuzz target: any bytes, split into lines, through every agent stream parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agents/parsers/stream_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (auto make : {ralph::agents::make_claude_parser, ralph::agents::make_codex_parser,
                    ralph::agents::make_gemini_parser, ralph::agents::make_command_parser}) {
    auto parser = make();
    std::string_view rest = input;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      parser->feed(rest.substr(0, nl));
      parser->take_text();
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    parser->finish(size % 3 == 0 ? 0 : 1, "stderr");
  }
  return 0;
}
