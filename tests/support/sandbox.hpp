#pragma once
// A private temporary directory, removed when the Sandbox goes out of scope.
#include <filesystem>
#include <string>

namespace ralph::test {

class Sandbox {
public:
  Sandbox();
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& rel) const { return m_path / rel; }
  // Writes a file (creating parent directories) and returns its path.
  std::filesystem::path write(const std::string& rel, const std::string& content) const;

private:
  std::filesystem::path m_path;
};

std::string read_file(const std::filesystem::path& p);

} // namespace ralph::test
