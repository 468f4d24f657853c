#pragma once
// A per-iteration output file: every byte the agent wrote, appended, with
// registered secrets masked and the size bounded. Writes whole lines so a
// secret split across two reads is still masked.
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace ralph::agents {

class IterationLog {
public:
  static constexpr std::size_t k_max_bytes = std::size_t{64} << 20;

  // An empty path keeps nothing. The file is opened for appending (parent
  // directories created); failure to open only loses the log.
  explicit IterationLog(const std::filesystem::path& path, std::size_t max_bytes = k_max_bytes);
  ~IterationLog() { flush(); }
  IterationLog(const IterationLog&) = delete;
  IterationLog& operator=(const IterationLog&) = delete;

  void write(std::string_view chunk);
  // Writes what is pending (an unfinished last line).
  void flush();

private:
  void emit(std::string_view text);

  std::ofstream m_out;
  std::string m_pending;
  std::size_t m_max = k_max_bytes;
  std::size_t m_written = 0;
  bool m_full = false;
};

} // namespace ralph::agents
