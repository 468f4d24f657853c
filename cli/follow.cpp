#include "cli/follow.hpp"

#include <chrono>
#include <cstdio>
#include <poll.h>

#include <nlohmann/json.hpp>

#include "cli/output.hpp"
#include "core/util/cancel.hpp"
#include "core/util/error.hpp"

namespace ralph::cli {

namespace {

constexpr int k_poll_ms = 150; // a store read; cheap enough to feel live

std::string progress_line(const store::Event& e) {
  auto data = nlohmann::json::parse(e.data, nullptr, false);
  auto field = [&](const char* k) { return data.is_object() && data.contains(k) ? data[k].dump() : std::string("?"); };
  auto text = [&](const char* k) {
    return data.is_object() && data.contains(k) && data[k].is_string() ? data[k].get<std::string>() : std::string();
  };
  const auto& t = e.type;
  if (t == "claimed") return "started by " + text("owner");
  if (t == "iteration")
    return "iteration " + field("seq") + ": " + text("outcome") + ", " + field("tokens") + " tokens" +
           (data.is_object() && data.value("promise_found", false) ? ", promise found" : "");
  if (t == "released" || t == "taken_back" || t == "lease_expired") return "back in the queue (" + t + ")";
  if (t == "hook" && data.is_object()) {
    auto how = data.value("ok", false) ? std::string("ok")
               : data.value("timed_out", false) ? std::string("timed out")
                                                 : "exit code " + field("exit_code");
    return "hook " + text("event") + " `" + text("command") + "`: " + how;
  }
  if (t == "gate_failed" || t == "limit_wait" || t == "backoff" || t == "warning" || t == "cancel_requested")
    return t + (text("message").empty() ? "" : ": " + text("message"));
  return {};
}

// Waits up to k_poll_ms, returning early when interrupted.
void nap(const util::CancelSource& interrupt) {
  pollfd p{interrupt.fd(), POLLIN, 0};
  ::poll(&p, 1, k_poll_ms);
}

} // namespace

int exit_code_of(const store::Task& task) {
  if (task.state == domain::TaskState::completed) return domain::exit_code::completed;
  return domain::exit_code_for(task.reason.value_or(domain::StopReason::error));
}

int follow_task(store::Store& store, store::TaskId id, const FollowOptions& opts, const util::CancelSource& interrupt) {
  std::int64_t last_event = 0;
  for (;;) {
    auto events = store.events(id, last_event);
    if (events) {
      for (const auto& e : *events) {
        last_event = e.id;
        if (opts.quiet) continue;
        if (auto line = progress_line(e); !line.empty())
          std::fprintf(stderr, "ralph: task %lld: %s\n", static_cast<long long>(id), line.c_str());
      }
    }
    auto task = store.get_task(id);
    if (!task) throw Error("cannot read task " + std::to_string(id) + ": " + task.error().message);
    if (!*task) throw Error("task " + std::to_string(id) + " disappeared from the store");
    const auto& t = **task;
    if (domain::is_finished(t.state)) {
      if (opts.json) std::printf("%s\n", task_json(t, true).c_str());
      if (!opts.quiet)
        std::fprintf(stderr, "ralph: task %lld %s after %lld iteration%s · %s tokens · cost %s%s%s\n",
                     static_cast<long long>(id), std::string(domain::to_string(t.state)).c_str(),
                     static_cast<long long>(t.totals.iterations), t.totals.iterations == 1 ? "" : "s",
                     format_count(t.totals.usage.total()).c_str(), format_cost(t.totals).c_str(),
                     t.reason ? (" · " + std::string(domain::to_string(*t.reason))).c_str() : "",
                     t.error.empty() ? "" : (": " + t.error).c_str());
      return exit_code_of(t);
    }
    if (interrupt.cancelled()) {
      std::fprintf(stderr, "ralph: stopped waiting; task %lld is still %s (ralph cancel %lld stops it)\n",
                   static_cast<long long>(id), std::string(domain::to_string(t.state)).c_str(),
                   static_cast<long long>(id));
      return domain::exit_code::interrupted;
    }
    nap(interrupt);
  }
}

} // namespace ralph::cli
