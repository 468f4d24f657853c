#pragma once
// LISTEN/NOTIFY wakeups on their own connection (channel "ralph_wakeup").
#include <memory>
#include <string>

#include "core/store/wakeups.hpp"

namespace ralph::store::postgres {

inline constexpr const char* k_wakeup_channel = "ralph_wakeup";

std::unique_ptr<Wakeups> make_wakeups(const std::string& url);

} // namespace ralph::store::postgres
