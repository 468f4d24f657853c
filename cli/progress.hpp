#pragma once
// The live view of a running loop. On a terminal: one progress line redrawn
// in place (iteration, tokens, cost and elapsed against their budgets, agent).
// Otherwise: one plain line per iteration and per note, for logs and CI.
#include <chrono>
#include <cstdint>
#include <string>

#include "core/domain/task.hpp"
#include "core/loop/loop_engine.hpp"

namespace ralph::cli {

class ProgressView final : public loop::Observer {
public:
  ProgressView(const domain::TaskSpec& spec, std::int64_t task_id, bool tty, bool quiet, bool color);
  ~ProgressView() override;

  void on_iteration_start(std::int64_t seq) override;
  void on_live(std::int64_t seq, const domain::Usage& usage, double cost_usd) override;
  void on_iteration_end(const store::IterationRecord& rec, const store::Totals& totals) override;
  void on_note(std::string_view kind, std::string_view message) override;
  void clear_line();

private:
  void draw(bool force);
  std::string status_line() const;

  domain::TaskSpec m_spec;
  std::int64_t m_task_id;
  bool m_tty, m_quiet, m_color;
  std::int64_t m_seq = 0;
  domain::Usage m_usage;
  double m_cost = 0;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point m_last_draw{};
  bool m_line_shown = false;
};

} // namespace ralph::cli
