#include "core/pricing/pricing.hpp"

#include <cctype>

namespace ralph::pricing {

namespace {

struct BuiltinPrice {
  std::string_view model;
  ModelPrice price;
};

// USD per million tokens: input, output, cache write (5 min), cache read.
// Sources: Anthropic's pricing page; LiteLLM's price map for OpenAI and Gemini
// (see shared/reference/agent-protocols.md §7). OpenAI and Gemini have no
// cache-write charge.
constexpr BuiltinPrice k_builtin[] = {
    {"claude-opus-4-5", {5, 25, 6.25, 0.50}},
    {"claude-opus-4-6", {5, 25, 6.25, 0.50}},
    {"claude-opus-4-7", {5, 25, 6.25, 0.50}},
    {"claude-opus-4-8", {5, 25, 6.25, 0.50}},
    {"claude-opus-4-1", {15, 75, 18.75, 1.50}},
    {"claude-opus-4", {15, 75, 18.75, 1.50}},
    {"claude-sonnet-4", {3, 15, 3.75, 0.30}},
    {"claude-sonnet-4-5", {3, 15, 3.75, 0.30}},
    {"claude-sonnet-4-6", {3, 15, 3.75, 0.30}},
    {"claude-haiku-4-5", {1, 5, 1.25, 0.10}},
    {"claude-3-5-haiku", {0.80, 4, 1, 0.08}},
    {"claude-opus-5", {5, 25, 6.25, 0.50}},
    {"gpt-5", {1.25, 10, 0, 0.125}},
    {"gpt-5.1", {1.25, 10, 0, 0.125}},
    {"gpt-5.1-codex", {1.25, 10, 0, 0.125}},
    {"gpt-5.1-codex-max", {1.25, 10, 0, 0.125}},
    {"gpt-5-mini", {0.25, 2, 0, 0.025}},
    {"gpt-5.1-codex-mini", {0.25, 2, 0, 0.025}},
    {"gpt-5-nano", {0.05, 0.40, 0, 0.005}},
    {"gpt-5.2", {1.75, 14, 0, 0.175}},
    {"gpt-5.2-codex", {1.75, 14, 0, 0.175}},
    {"gpt-5.3-codex", {1.75, 14, 0, 0.175}},
    {"gpt-5.4", {2.50, 15, 0, 0.25}},
    {"gpt-5.4-mini", {0.75, 4.50, 0, 0.075}},
    {"gpt-5.5", {5, 30, 0, 0.50}},
    {"o3", {2, 8, 0, 0.50}},
    {"o4-mini", {1.10, 4.40, 0, 0.275}},
    {"gemini-2.5-pro", {1.25, 10, 0, 0.125}},
    {"gemini-2.5-flash", {0.30, 2.50, 0, 0.075}},
    {"gemini-2.5-flash-lite", {0.10, 0.40, 0, 0.025}},
};

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

} // namespace

PriceTable PriceTable::builtin() {
  PriceTable t;
  for (const auto& b : k_builtin) t.m_models.emplace(std::string(b.model), b.price);
  t.m_version = std::string(k_builtin_version);
  return t;
}

void PriceTable::set(std::string model, ModelPrice price) { m_models[std::move(model)] = price; }

std::string normalize_model_id(std::string_view model) {
  std::string id(model);
  for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto slash = id.rfind('/'); slash != std::string::npos) id.erase(0, slash + 1);
  if (id.ends_with("-latest")) id.erase(id.size() - 7);
  // Dated snapshots: "-20250929" (Anthropic) or "-2025-08-07" (OpenAI).
  if (auto dash = id.rfind('-'); dash != std::string::npos && is_digits(id.substr(dash + 1)) &&
                                 id.size() - dash - 1 == 8)
    id.erase(dash);
  if (id.size() > 11) {
    auto tail = id.substr(id.size() - 11); // "-YYYY-MM-DD"
    if (tail[0] == '-' && is_digits(tail.substr(1, 4)) && tail[5] == '-' && is_digits(tail.substr(6, 2)) &&
        tail[8] == '-' && is_digits(tail.substr(9, 2)))
      id.erase(id.size() - 11);
  }
  // "[1m]" context suffixes some CLIs append.
  if (auto br = id.find('['); br != std::string::npos) id.erase(br);
  return id;
}

std::optional<ModelPrice> PriceTable::find(std::string_view model) const {
  if (model.empty()) return std::nullopt;
  if (auto it = m_models.find(model); it != m_models.end()) return it->second;
  if (auto it = m_models.find(normalize_model_id(model)); it != m_models.end()) return it->second;
  return std::nullopt;
}

domain::Cost PriceTable::compute(std::string_view model, const domain::Usage& u) const {
  auto price = find(model);
  if (!price) return domain::Cost::unknown();
  double usd = (static_cast<double>(u.input) * price->input + static_cast<double>(u.output) * price->output +
                static_cast<double>(u.cache_write) * price->cache_write +
                static_cast<double>(u.cache_read) * price->cache_read) /
               1e6;
  return domain::Cost::computed(usd);
}

} // namespace ralph::pricing
