#include "cli/progress.hpp"

#include <cstdio>

#include "cli/output.hpp"

namespace ralph::cli {

ProgressView::ProgressView(const domain::TaskSpec& spec, std::int64_t task_id, bool tty, bool quiet, bool color)
    : m_spec(spec), m_task_id(task_id), m_tty(tty), m_quiet(quiet), m_color(color) {}

ProgressView::~ProgressView() { clear_line(); }

void ProgressView::clear_line() {
  if (m_line_shown) std::fputs("\r\033[K", stderr);
  m_line_shown = false;
}

std::string ProgressView::status_line() const {
  const auto& b = m_spec.budget;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  char cost[64];
  std::snprintf(cost, sizeof cost, "$%.4f", m_cost);
  std::string line = "[ralph] task " + std::to_string(m_task_id) + " · iter " + std::to_string(m_seq);
  if (b.max_iterations) line += "/" + std::to_string(*b.max_iterations);
  line += " · tokens " + format_count(m_usage.total());
  if (b.max_tokens) line += "/" + format_count(*b.max_tokens);
  line += " · " + std::string(cost);
  if (b.max_cost_usd) {
    std::snprintf(cost, sizeof cost, "/$%.2f", *b.max_cost_usd);
    line += cost;
  }
  line += " · " + format_seconds(elapsed);
  if (b.max_runtime) line += "/" + format_seconds(static_cast<double>(b.max_runtime->count()) / 1000.0);
  line += " · " + m_spec.agent;
  return line;
}

void ProgressView::draw(bool force) {
  if (m_quiet || !m_tty) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - m_last_draw < std::chrono::milliseconds(100)) return;
  m_last_draw = now;
  std::fprintf(stderr, "\r\033[K%s", status_line().c_str());
  std::fflush(stderr);
  m_line_shown = true;
}

void ProgressView::on_iteration_start(std::int64_t seq) {
  m_seq = seq;
  draw(true);
}

void ProgressView::on_live(std::int64_t seq, const domain::Usage& usage, double cost_usd) {
  m_seq = seq;
  m_usage = usage;
  m_cost = cost_usd;
  draw(false);
}

void ProgressView::on_iteration_end(const store::IterationRecord& rec, const store::Totals& totals) {
  m_usage = totals.usage;
  m_cost = totals.cost_usd;
  if (m_quiet) return;
  clear_line();
  char cost[64] = "cost unknown";
  if (rec.cost.usd)
    std::snprintf(cost, sizeof cost, "$%.4f (%s)", *rec.cost.usd, std::string(domain::to_string(rec.cost.source)).c_str());
  bool ok = rec.outcome == "ok";
  const char* on = m_color ? (ok ? "\033[32m" : "\033[31m") : "";
  const char* off = m_color ? "\033[0m" : "";
  std::fprintf(stderr, "ralph: iteration %lld: %s%s%s · %s tokens · %s · %s%s\n",
               static_cast<long long>(rec.seq), on, rec.outcome.c_str(), off, format_count(rec.usage.total()).c_str(),
               cost,
               format_seconds(static_cast<double>(rec.finished_at_ms - rec.started_at_ms) / 1000.0).c_str(),
               rec.promise_found ? " · completion promise found" : "");
  draw(true);
}

void ProgressView::on_note(std::string_view kind, std::string_view message) {
  if (m_quiet && kind != "warning") return;
  clear_line();
  std::fprintf(stderr, "ralph: %.*s: %.*s\n", static_cast<int>(kind.size()), kind.data(),
               static_cast<int>(message.size()), message.data());
  draw(true);
}

} // namespace ralph::cli
