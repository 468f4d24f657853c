#pragma once
// Starts tests/model-server/model_server.py with a scenario for one test and
// stops it afterwards. Without python3 the tests are skipped with a warning,
// except in CI (CI=true), where that is a failure.
#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/sandbox.hpp"

namespace ralph::test {

class ModelServer {
public:
  ModelServer(const Sandbox& sandbox, const nlohmann::json& scenario);
  ~ModelServer();
  ModelServer(const ModelServer&) = delete;
  ModelServer& operator=(const ModelServer&) = delete;

  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  // The server's request log, one object per request, in arrival order.
  std::vector<nlohmann::json> log() const;

private:
  pid_t m_pid = -1;
  int m_port = 0;
  std::filesystem::path m_log;
};

// True when python3 and the server script are present. Otherwise it records a
// skip (printed at exit) and, in CI, fails the current test.
bool model_server_available();

} // namespace ralph::test
