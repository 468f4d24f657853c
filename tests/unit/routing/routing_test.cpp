#include <catch2/catch.hpp>

#include "core/routing/routing.hpp"

using namespace ralph;

namespace {

store::Instance daemon(std::vector<std::string> agents, std::map<std::string, std::string> labels,
                       std::vector<std::string> queues = {"default"}, std::string state = "active") {
  store::Instance i;
  i.agents = std::move(agents);
  i.labels = std::move(labels);
  i.queues = std::move(queues);
  i.state = std::move(state);
  return i;
}

domain::TaskSpec task(std::string agent, std::map<std::string, std::string> required = {}) {
  domain::TaskSpec s;
  s.agent = std::move(agent);
  s.required_labels = std::move(required);
  return s;
}

} // namespace

TEST_CASE("labels round-trip through their stored form", "[routing]") {
  std::map<std::string, std::string> labels{{"region", "eu"}, {"gpu", "true"}};
  auto pairs = store::label_pairs(labels);
  CHECK(pairs == std::vector<std::string>{"gpu=true", "region=eu"});
  CHECK(store::parse_label_pairs(pairs) == labels);
  CHECK(store::from_json_list(store::to_json_list(pairs)) == pairs);
  CHECK(store::from_json_list("not json").empty());
  CHECK(store::parse_label_pairs({"a=b=c"}) == std::map<std::string, std::string>{{"a", "b=c"}});
}

TEST_CASE("can_run needs the agent offered and every required label with its value", "[routing]") {
  store::Capabilities box{std::vector<std::string>{"claude"}, {{"gpu", "true"}}};
  CHECK(store::can_run(box, task("claude")));
  CHECK(store::can_run(box, task("claude", {{"gpu", "true"}})));
  CHECK_FALSE(store::can_run(box, task("codex")));
  CHECK_FALSE(store::can_run(box, task("claude", {{"gpu", "false"}})));
  CHECK_FALSE(store::can_run(box, task("claude", {{"gpu", "true"}, {"region", "eu"}})));
  CHECK(store::can_run(store::Capabilities{}, task("anything")));
}

TEST_CASE("why_waiting names the first thing missing", "[routing]") {
  CHECK(store::why_waiting(task("claude"), {}) == "no daemon is running; the task starts when one does");
  CHECK(store::why_waiting(task("claude"), {daemon({"claude"}, {}, {"default"}, "expired")}) ==
        "no daemon is running; the task starts when one does");
  CHECK(store::why_waiting(task("claude"), {daemon({"claude"}, {}, {"batch"})}) ==
        "no running daemon takes queue 'default'");
  CHECK(store::why_waiting(task("codex"), {daemon({"claude"}, {}), daemon({"gemini", "claude"}, {})}) ==
        "no running daemon on queue 'default' offers agent 'codex' (offered: claude, gemini)");
  CHECK(store::why_waiting(task("claude", {{"gpu", "true"}}), {daemon({"claude"}, {{"gpu", "false"}})}) ==
        "no running daemon offering agent 'claude' has the required labels gpu=true");
  CHECK_FALSE(store::why_waiting(task("claude", {{"gpu", "true"}}),
                                 {daemon({"codex"}, {}), daemon({"claude"}, {{"gpu", "true"}})}));
}
