#include "agents/agent.hpp"

namespace ralph::agents {

std::string_view to_string(FaultKind k) {
  switch (k) {
  case FaultKind::none: return "ok";
  case FaultKind::agent: return "agent";
  case FaultKind::limit: return "limit";
  case FaultKind::infra: return "infra";
  case FaultKind::auth: return "auth";
  case FaultKind::config: return "config";
  case FaultKind::timeout: return "timeout";
  case FaultKind::cancelled: return "cancelled";
  }
  return "agent";
}

} // namespace ralph::agents
