#pragma once
// Model prices in USD per million tokens, with built-in defaults for current
// Claude, OpenAI and Gemini models, overridable from config. Versioned, so a
// stored cost says which table priced it.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/domain/usage.hpp"

namespace ralph::pricing {

struct ModelPrice {
  double input = 0;       // per million uncached input tokens
  double output = 0;      // per million output tokens (reasoning included)
  double cache_write = 0; // per million cache-creation tokens (5 min)
  double cache_read = 0;  // per million cache-read tokens
};

class PriceTable {
public:
  // The built-in table, version k_builtin_version.
  static PriceTable builtin();

  // Adds or replaces a model's price (from config).
  void set(std::string model, ModelPrice price);
  void set_version(std::string v) { m_version = std::move(v); }
  const std::string& version() const { return m_version; }

  // Finds a price by exact id, then by normalized id: provider prefix
  // ("anthropic/"), dated suffix ("-20250929") and "-latest" removed.
  std::optional<ModelPrice> find(std::string_view model) const;
  const std::map<std::string, ModelPrice, std::less<>>& models() const { return m_models; }

  // tokens × price; unknown when the model has no price.
  domain::Cost compute(std::string_view model, const domain::Usage& usage) const;

private:
  std::map<std::string, ModelPrice, std::less<>> m_models;
  std::string m_version;
};

inline constexpr std::string_view k_builtin_version = "2026-11-01";

std::string normalize_model_id(std::string_view model);

} // namespace ralph::pricing
