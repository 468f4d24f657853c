#include "agents/http/sse_parser.hpp"

#include <nlohmann/json.hpp>

namespace ralph::agents::http {

using nlohmann::json;

// --- SSE framing --------------------------------------------------------------

void SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  for (std::size_t i = 0; i < bytes.size();) {
    char c = bytes[i];
    if (m_last_was_cr) {
      m_last_was_cr = false;
      if (c == '\n') { ++i; continue; } // the LF of a CRLF split across chunks
    }
    if (c == '\n' || c == '\r') {
      m_last_was_cr = (c == '\r');
      if (m_line_too_long) {
        ++m_oversized;
        m_line_too_long = false;
        m_line.clear();
      } else {
        line(m_line, out);
        m_line.clear();
      }
      ++i;
      continue;
    }
    // Copy the run up to the next line end at once.
    std::size_t end = bytes.find_first_of("\r\n", i);
    if (end == std::string_view::npos) end = bytes.size();
    if (!m_line_too_long) {
      if (m_line.size() + (end - i) > m_max_line) {
        m_line_too_long = true;
        m_line.clear();
        m_line.shrink_to_fit();
      } else {
        m_line.append(bytes.substr(i, end - i));
      }
    }
    i = end;
  }
}

void SseParser::finish(std::vector<SseEvent>& out) {
  if (m_line_too_long) {
    ++m_oversized;
    m_line_too_long = false;
  } else if (!m_line.empty()) {
    line(m_line, out);
  }
  m_line.clear();
  dispatch(out);
}

void SseParser::line(std::string_view l, std::vector<SseEvent>& out) {
  if (l.empty()) {
    dispatch(out);
    return;
  }
  if (l.front() == ':') return; // comment / keep-alive
  auto colon = l.find(':');
  std::string_view field = l.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = l.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (m_has_data) m_data.push_back('\n');
    m_data.append(value);
    m_has_data = true;
  } else if (field == "event") {
    m_event.assign(value);
  }
  // id, retry and unknown fields do not matter here.
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (m_has_data) out.push_back({std::move(m_event), std::move(m_data)});
  m_event.clear();
  m_data.clear();
  m_has_data = false;
}

// --- stream interpretation ------------------------------------------------------

namespace {

std::optional<std::int64_t> get_int(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  return it->get<std::int64_t>();
}

std::string get_str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string{};
}

StreamError to_error(const json& e) {
  if (e.is_object()) return {get_str(e, "type"), get_str(e, "message")};
  if (e.is_string()) return {"error", e.get<std::string>()};
  return {"error", e.dump()};
}

} // namespace

StreamDecoder::Progress StreamDecoder::feed(std::string_view bytes) {
  Progress p;
  m_pending.clear();
  m_sse.feed(bytes, m_pending);
  for (const auto& ev : m_pending) handle(ev, p);
  return p;
}

StreamDecoder::Progress StreamDecoder::finish() {
  Progress p;
  m_pending.clear();
  m_sse.finish(m_pending);
  for (const auto& ev : m_pending) handle(ev, p);
  return p;
}

void StreamDecoder::handle(const SseEvent& ev, Progress& p) {
  if (m_protocol == Protocol::anthropic)
    handle_anthropic(ev, p);
  else
    handle_openai(ev, p);
}

void StreamDecoder::handle_anthropic(const SseEvent& ev, Progress& p) {
  json j = json::parse(ev.data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    ++m_bad_events;
    return;
  }
  std::string type = get_str(j, "type");
  if (type.empty()) type = ev.event;
  if (type == "message_start") {
    const json& msg = j.value("message", json::object());
    m_id = get_str(msg, "id");
    if (auto m = get_str(msg, "model"); !m.empty()) m_model = m;
    if (auto it = msg.find("usage"); it != msg.end() && it->is_object()) {
      m_usage.input = get_int(*it, "input_tokens").value_or(0);
      m_usage.cache_write = get_int(*it, "cache_creation_input_tokens").value_or(0);
      m_usage.cache_read = get_int(*it, "cache_read_input_tokens").value_or(0);
      m_usage.output = get_int(*it, "output_tokens").value_or(0);
      m_usage_known = true;
      p.usage_changed = true;
    }
  } else if (type == "content_block_delta") {
    const json& d = j.value("delta", json::object());
    if (get_str(d, "type") == "text_delta") {
      auto t = get_str(d, "text");
      m_text += t;
      p.text += t;
    }
  } else if (type == "message_delta") {
    const json& d = j.value("delta", json::object());
    if (auto s = get_str(d, "stop_reason"); !s.empty()) m_stop_reason = s;
    if (auto it = j.find("usage"); it != j.end() && it->is_object()) {
      // Cumulative counts: replace, and only where the server sent a value.
      if (auto v = get_int(*it, "output_tokens")) m_usage.output = *v;
      if (auto v = get_int(*it, "input_tokens")) m_usage.input = *v;
      if (auto v = get_int(*it, "cache_creation_input_tokens")) m_usage.cache_write = *v;
      if (auto v = get_int(*it, "cache_read_input_tokens")) m_usage.cache_read = *v;
      m_usage_known = true;
      p.usage_changed = true;
    }
  } else if (type == "message_stop") {
    m_complete = true;
  } else if (type == "error") {
    m_error = to_error(j.value("error", json::object()));
  }
  // ping, content_block_start/stop: nothing to account.
}

void StreamDecoder::handle_openai(const SseEvent& ev, Progress& p) {
  if (ev.data == "[DONE]") {
    m_complete = true;
    return;
  }
  json j = json::parse(ev.data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    ++m_bad_events;
    return;
  }
  if (auto it = j.find("error"); it != j.end() && !it->is_null()) {
    m_error = to_error(*it);
    return;
  }
  if (auto id = get_str(j, "id"); !id.empty()) m_id = id;
  if (auto m = get_str(j, "model"); !m.empty()) m_model = m;
  if (auto it = j.find("choices"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (!c.is_object()) continue;
      if (auto d = c.find("delta"); d != c.end() && d->is_object()) {
        auto t = get_str(*d, "content");
        m_text += t;
        p.text += t;
      }
      if (auto s = get_str(c, "finish_reason"); !s.empty()) m_stop_reason = s;
    }
  }
  if (auto it = j.find("usage"); it != j.end() && it->is_object()) {
    auto prompt = get_int(*it, "prompt_tokens").value_or(0);
    std::int64_t cached = 0;
    if (auto d = it->find("prompt_tokens_details"); d != it->end())
      cached = get_int(*d, "cached_tokens").value_or(0);
    if (cached > prompt) cached = prompt;
    m_usage.input = prompt - cached;
    m_usage.cache_read = cached;
    m_usage.cache_write = 0;
    m_usage.output = get_int(*it, "completion_tokens").value_or(0);
    m_usage_known = true;
    p.usage_changed = true;
  }
}

} // namespace ralph::agents::http
