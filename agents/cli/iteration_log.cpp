#include "agents/cli/iteration_log.hpp"

#include <system_error>

#include "core/log/redact.hpp"

namespace ralph::agents {

namespace {
// A line longer than this is written in pieces; a secret straddling a piece
// boundary of such a line is the one case left unmasked.
constexpr std::size_t k_max_pending = 256 * 1024;
} // namespace

IterationLog::IterationLog(const std::filesystem::path& path, std::size_t max_bytes) : m_max(max_bytes) {
  if (path.empty()) return;
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  m_out.open(path, std::ios::binary | std::ios::app);
}

void IterationLog::write(std::string_view chunk) {
  if (!m_out.is_open() || m_full) return;
  m_pending.append(chunk);
  auto nl = m_pending.rfind('\n');
  if (nl != std::string::npos) {
    emit(std::string_view(m_pending).substr(0, nl + 1));
    m_pending.erase(0, nl + 1);
  }
  if (m_pending.size() > k_max_pending) {
    emit(m_pending);
    m_pending.clear();
  }
}

void IterationLog::flush() {
  if (!m_out.is_open()) return;
  if (!m_pending.empty() && !m_full) emit(m_pending);
  m_pending.clear();
  m_out.flush();
}

void IterationLog::emit(std::string_view text) {
  if (m_full) return;
  if (m_written + text.size() > m_max) {
    // Nothing of the piece that does not fit: a cut could leave half a
    // secret unmasked.
    m_out << "\n[ralph: output log stopped at " << m_written << " bytes (limit " << m_max
          << "); the rest was not kept]\n";
    m_full = true;
    m_pending.clear();
    return;
  }
  auto masked = log::redact(text);
  m_out.write(masked.data(), static_cast<std::streamsize>(masked.size()));
  m_written += text.size();
}

} // namespace ralph::agents
