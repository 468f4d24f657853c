#include "cli/log_stream_reader.hpp"

#include <cstdio>
#include <string>

#include "core/domain/stop_reason.hpp"
#include "core/util/cancel.hpp"

namespace ralph::cli {

namespace {

constexpr const char* k_block_ms = "500"; // how often Ctrl-C and the store are looked at

const redis::Reply* field(const redis::Reply& fields, std::string_view name) {
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2)
    if (fields.elements[i].str == name) return &fields.elements[i + 1];
  return nullptr;
}

// Prints one XREAD reply's entries; true when the task-end marker was among them.
bool print_entries(const redis::Reply& reply, std::string& last_id, bool& printed_any) {
  bool ended = false;
  for (const auto& stream : reply.elements) {     // [[key, [[id, [field, value, ...]], ...]]]
    if (stream.elements.size() < 2) continue;
    for (const auto& entry : stream.elements[1].elements) {
      if (entry.elements.size() < 2) continue;
      last_id = entry.elements[0].str;
      const auto* kind = field(entry.elements[1], "kind");
      const auto* text = field(entry.elements[1], "text");
      if (kind && kind->str == "task_end") ended = true;
      if (kind && kind->str == "line" && text) {
        std::fwrite(text->str.data(), 1, text->str.size(), stdout);
        std::fputc('\n', stdout);
        printed_any = true;
      }
    }
  }
  std::fflush(stdout);
  return ended;
}

} // namespace

std::optional<int> follow_log_stream(redis::Client& client, store::TaskId id, const std::function<bool()>& finished,
                                     const util::CancelSource& interrupt, bool& printed_any) {
  const std::string key = client.prefix() + "log:" + std::to_string(id);
  std::string last_id = "0-0";
  bool task_over = false;
  while (!interrupt.cancelled()) {
    // Once the store says the task is over, one last read without blocking
    // takes what the daemon wrote before it finished.
    std::vector<std::string> argv{"XREAD", "COUNT", "1000"};
    if (!task_over) argv.insert(argv.end(), {"BLOCK", k_block_ms});
    argv.insert(argv.end(), {"STREAMS", key, last_id});
    auto r = client.command(argv);
    if (!r || r->type == redis::Reply::Type::error) return std::nullopt;
    if (r->type == redis::Reply::Type::array && print_entries(*r, last_id, printed_any)) return 0;
    if (r->type == redis::Reply::Type::nil || r->elements.empty()) {
      if (task_over) return 0;
      task_over = finished();
    }
  }
  return domain::exit_code::interrupted;
}

} // namespace ralph::cli
