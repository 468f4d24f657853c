#include "tests/support/sandbox.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace ralph::test {

Sandbox::Sandbox() {
  auto base = std::filesystem::temp_directory_path() / "ralph-test-XXXXXX";
  std::string tmpl = base.string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  m_path = buf.data();
}

Sandbox::~Sandbox() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::filesystem::path Sandbox::write(const std::string& rel, const std::string& content) const {
  auto p = m_path / rel;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace ralph::test
