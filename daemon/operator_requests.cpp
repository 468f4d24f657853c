#include "daemon/operator_requests.hpp"

#include <nlohmann/json.hpp>

namespace ralph::daemon {

OperatorAction operator_action(std::string_view stored, bool drain_requested, bool shutting_down) {
  if (stored == "dead") return OperatorAction::evicted;
  if (shutting_down) return OperatorAction::none; // "draining" is our own then
  if (stored == "draining" && !drain_requested) return OperatorAction::drain;
  if (stored == "active" && drain_requested) return OperatorAction::activate;
  return OperatorAction::none;
}

std::string failover_event(const std::string& from, std::string_view reason) {
  return nlohmann::json{{"from", from}, {"reason", std::string(reason)}}.dump();
}

} // namespace ralph::daemon
