#include "core/util/cancel.hpp"

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace ralph::util {

CancelSource::CancelSource() {
  if (::pipe2(m_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe2");
}

CancelSource::~CancelSource() {
  ::close(m_pipe[0]);
  ::close(m_pipe[1]);
}

void CancelSource::cancel_from_signal() {
  m_cancelled.store(true, std::memory_order_release);
  char b = 1;
  // A full pipe already means "readable"; the result does not matter.
  [[maybe_unused]] auto n = ::write(m_pipe[1], &b, 1);
}

void CancelSource::cancel(std::string reason) {
  {
    std::lock_guard lock(m_mutex);
    if (m_reason.empty()) m_reason = std::move(reason);
  }
  cancel_from_signal();
}

std::string CancelSource::reason() const {
  std::lock_guard lock(m_mutex);
  return m_reason;
}

} // namespace ralph::util
