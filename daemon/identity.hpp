#pragma once
// Who this daemon is, as recorded in the instances table and in task leases.
#include <string>

namespace ralph::daemon {

std::string host_name();
// "<host>:<pid>:<6 random hex>": unique across restarts that reuse a pid.
std::string make_instance_id();

} // namespace ralph::daemon
