#pragma once
// Splits a byte stream into lines with bounded memory: a line longer than the
// limit is delivered once, cut, with truncated = true, and the rest of it up
// to the next newline is dropped. A trailing '\r' (CRLF output) is removed.
#include <functional>
#include <string>
#include <string_view>

namespace ralph::proc {

class LineSplitter {
public:
  using Handler = std::function<void(std::string_view line, bool truncated)>;
  // A limit of 0 is taken as 1, so every line still makes progress.
  LineSplitter(std::size_t max_line, Handler handler)
      : m_max(max_line == 0 ? 1 : max_line), m_handler(std::move(handler)) {}

  void feed(std::string_view chunk) {
    while (!chunk.empty()) {
      auto nl = chunk.find('\n');
      auto piece = chunk.substr(0, nl);
      if (!m_skipping) {
        auto room = m_max - m_line.size();
        if (piece.size() > room) {
          m_line.append(piece.substr(0, room));
          emit(true);
          m_skipping = true;
        } else {
          m_line.append(piece);
        }
      }
      if (nl == std::string_view::npos) return;
      if (m_skipping) m_skipping = false;
      else emit(false);
      chunk.remove_prefix(nl + 1);
    }
  }

  // Delivers an unterminated last line.
  void finish() {
    if (!m_skipping && !m_line.empty()) emit(false);
    m_skipping = false;
  }

private:
  void emit(bool truncated) {
    if (!m_line.empty() && m_line.back() == '\r') m_line.pop_back();
    if (m_handler) m_handler(m_line, truncated);
    m_line.clear();
  }

  std::size_t m_max;
  Handler m_handler;
  std::string m_line;
  bool m_skipping = false;
};

} // namespace ralph::proc
