#include "model_server_fixture.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <catch2/catch.hpp>

#include "core/proc/process.hpp"

namespace ralph::test {

namespace {

std::filesystem::path source_dir() {
  if (const char* env = std::getenv("RALPH_SOURCE_DIR"); env && *env) return env;
  // tests/unit/http/<this file> -> the source root
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
}

std::filesystem::path server_script() { return source_dir() / "tests/model-server/model_server.py"; }

struct SkipReport {
  int skipped = 0;
  ~SkipReport() {
    if (skipped > 0)
      std::cerr << "WARN: unit_http: " << skipped << " test(s) SKIPPED: python3 or " << server_script().string()
                << " not found\n";
  }
};
SkipReport g_skips;

} // namespace

bool model_server_available() {
  bool ok = proc::find_executable("python3").has_value() && std::filesystem::exists(server_script());
  if (ok) return true;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") FAIL("python3 or the model server script is missing, and CI=true");
  ++g_skips.skipped;
  WARN("SKIPPED: python3 or " << server_script().string() << " not found");
  return false;
}

ModelServer::ModelServer(const Sandbox& sandbox, const nlohmann::json& scenario) {
  static int counter = 0;
  auto dir = sandbox.path() / ("server-" + std::to_string(++counter));
  std::filesystem::create_directories(dir);
  auto scenario_file = dir / "scenario.json";
  std::ofstream(scenario_file) << scenario.dump();
  auto port_file = dir / "port";
  m_log = dir / "requests.jsonl";
  std::vector<std::string> args = {"python3",      server_script().string(), "--scenario", scenario_file.string(),
                                   "--port-file",  port_file.string(),       "--log",      m_log.string(),
                                   "--workdir",    sandbox.path().string()};
  m_pid = ::fork();
  if (m_pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
    ::execvp("python3", argv.data());
    ::_exit(127);
  }
  REQUIRE(m_pid > 0);
  // Process start-up, not timing logic: wait for the port file.
  for (int i = 0; i < 500 && m_port == 0; ++i) {
    std::ifstream in(port_file);
    if (!(in >> m_port)) {
      m_port = 0;
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        FAIL("model server exited at start-up");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  REQUIRE(m_port > 0);
}

ModelServer::~ModelServer() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
}

std::vector<nlohmann::json> ModelServer::log() const {
  std::vector<nlohmann::json> out;
  std::ifstream in(m_log);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

} // namespace ralph::test
