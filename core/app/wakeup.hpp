#pragma once
// The local wakeup path between ralph and ralphd: a Unix datagram socket in
// the state directory (0600). `ralph submit` and `ralph cancel` poke it so a
// task starts, or stops, without waiting for the daemon's fallback poll. A
// poke is only a hint: the store stays the truth, and a lost poke costs at
// most one poll interval.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/expected.hpp"

namespace ralph::app {

// The socket path: daemon.socket, or <state_dir>/ralphd.sock.
std::filesystem::path wakeup_socket_path(const std::string& configured, const std::filesystem::path& state_dir);

// Sends one datagram; false when no daemon listens (not an error for callers).
bool poke(const std::filesystem::path& socket, std::string_view message) noexcept;

// The daemon's end. Non-blocking; fd() goes into the daemon's poll set.
class WakeupListener {
public:
  WakeupListener() = default;
  ~WakeupListener();
  WakeupListener(const WakeupListener&) = delete;
  WakeupListener& operator=(const WakeupListener&) = delete;

  // Binds the socket (replacing a stale one left by a crash). The caller
  // must hold the single-daemon lock, so the old socket cannot be live.
  util::Expected<bool, std::string> bind(const std::filesystem::path& socket);
  int fd() const { return m_fd; }
  // Reads every pending datagram; returns the messages, oldest first.
  std::vector<std::string> drain();

private:
  int m_fd = -1;
  std::filesystem::path m_path;
};

} // namespace ralph::app
