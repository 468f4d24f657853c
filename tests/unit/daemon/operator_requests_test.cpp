// How ralphd reads an operator's drain/activate/evict from the state its
// heartbeat returns.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "daemon/operator_requests.hpp"

using ralph::daemon::OperatorAction;
using ralph::daemon::operator_action;

TEST_CASE("operator requests: drain, activate, evict, and nothing twice", "[daemon]") {
  CHECK(operator_action("active", false, false) == OperatorAction::none);
  CHECK(operator_action("draining", false, false) == OperatorAction::drain);
  CHECK(operator_action("draining", true, false) == OperatorAction::none);   // already draining
  CHECK(operator_action("active", true, false) == OperatorAction::activate);
  CHECK(operator_action("dead", false, false) == OperatorAction::evicted);
  CHECK(operator_action("dead", true, true) == OperatorAction::evicted);
  // During SIGTERM's drain "draining" is the daemon's own, and an activate
  // cannot stop a shutdown.
  CHECK(operator_action("draining", false, true) == OperatorAction::none);
  CHECK(operator_action("active", true, true) == OperatorAction::none);
}

TEST_CASE("failover events name the instance and the reason as JSON", "[daemon]") {
  auto data = nlohmann::json::parse(ralph::daemon::failover_event("h:1:\"x", "drain"));
  CHECK(data["from"] == "h:1:\"x");
  CHECK(data["reason"] == "drain");
}
