#include "daemon/identity.hpp"

#include <cstdio>
#include <random>
#include <unistd.h>

namespace ralph::daemon {

std::string host_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "localhost";
  return host;
}

std::string make_instance_id() {
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%06x", rd() & 0xffffffu);
  return host_name() + ":" + std::to_string(::getpid()) + ":" + suffix;
}

} // namespace ralph::daemon
