#pragma once
// One ralphd per embedded store: an exclusive flock(2) on "<db>.lock", held
// for the daemon's life. The kernel drops it when the process dies, so a
// kill -9 never leaves a stale lock, and holding it proves that every task
// leased by an earlier daemon on this store is orphaned. The CLI never
// takes it: it reads and writes the store alongside the daemon.
#include <filesystem>
#include <string>

#include "core/util/expected.hpp"

namespace ralph::daemon {

class StoreLock {
public:
  // Fails with a clear message when another ralphd holds the lock.
  static util::Expected<StoreLock, std::string> acquire(const std::filesystem::path& db);

  StoreLock(StoreLock&& other) noexcept;
  StoreLock& operator=(StoreLock&& other) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();

private:
  explicit StoreLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

} // namespace ralph::daemon
