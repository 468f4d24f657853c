#pragma once
// A private redis-server for one test: TCP on a free loopback port and a unix
// socket in a temporary directory, which the test may kill and restart (the
// shared one from scripts/with-test-services.sh must survive the run).
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/redis/client.hpp"

namespace ralph::test {

class RedisServer {
public:
  explicit RedisServer(std::string password = "") : m_password(std::move(password)) {
    char tmpl[] = "/tmp/ralph-redis-test.XXXXXX";
    m_dir = mkdtemp(tmpl);
    m_port = free_port();
    start();
  }
  ~RedisServer() {
    kill_now();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::string socket_path() const { return m_dir + "/redis.sock"; }
  int port() const { return m_port; }

  void start() {
    std::vector<std::string> args{"redis-server", "--port", std::to_string(m_port), "--bind", "127.0.0.1",
                                  "--unixsocket", socket_path(), "--save", "", "--appendonly", "no",
                                  "--logfile", m_dir + "/redis.log"};
    if (!m_password.empty()) args.insert(args.end(), {"--requirepass", m_password});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&m_pid, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) m_pid = -1;
    wait_ready();
  }

  void kill_now() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
    m_pid = -1;
    std::error_code ec;
    std::filesystem::remove(socket_path(), ec);
  }

private:
  static int free_port();
  void wait_ready() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto url = "unix://" + socket_path();
    while (std::chrono::steady_clock::now() < deadline) {
      auto c = redis::connect(url, "t:", std::chrono::milliseconds(200));
      if (c && (*c)->command({"PING"})) return; // answers, even if only NOAUTH
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::string m_password;
  std::string m_dir;
  int m_port = 0;
  pid_t m_pid = -1;
};

} // namespace ralph::test
