#pragma once
// Exceptions are for "cannot continue": bad config, bad flags, failed start-up.
// Each main() catches ralph::Error once and turns it into a message and an exit code.
#include <stdexcept>
#include <string>

namespace ralph {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
  virtual int exit_code() const { return 1; }
};

// A configuration file, key or value is wrong. Exit code 2.
class ConfigError : public Error {
public:
  using Error::Error;
  int exit_code() const override { return 2; }
};

// The command line is wrong. Exit code 2.
class UsageError : public Error {
public:
  using Error::Error;
  int exit_code() const override { return 2; }
};

} // namespace ralph
