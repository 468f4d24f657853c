#pragma once
// A per-iteration output log with bounded size, and secrets masked.
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/log/redact.hpp"

namespace ralph::agents {

class IterationLog {
public:
  static constexpr std::size_t k_max_bytes = 64u << 20;

  explicit IterationLog(const std::filesystem::path& path) {
    if (!path.empty()) m_out.open(path, std::ios::binary | std::ios::trunc);
  }
  void write(std::string_view chunk) {
    if (!m_out || m_full) return;
    if (m_written + chunk.size() > k_max_bytes) {
      m_out << "\n[ralph: log truncated at " << (k_max_bytes >> 20) << " MiB; the rest was not kept]\n";
      m_full = true;
      return;
    }
    auto masked = log::redact(chunk);
    m_out.write(masked.data(), static_cast<std::streamsize>(masked.size()));
    m_written += chunk.size();
  }
  void flush() { if (m_out) m_out.flush(); }

private:
  std::ofstream m_out;
  std::size_t m_written = 0;
  bool m_full = false;
};

} // namespace ralph::agents
