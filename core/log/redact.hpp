#pragma once
// Secrets never reach logs, stored output or error messages. Everything that
// may carry one (agent stderr excerpts, HTTP error bodies, config values)
// passes through redact() first.
#include <string>
#include <string_view>
#include <vector>

namespace ralph::log {

// Registers a secret value (an API key from config or the environment) to be
// masked wherever it appears. Values shorter than 8 characters are ignored,
// since masking them would mangle ordinary text. Thread-safe.
void register_secret(std::string_view secret);

// Registers the values of environment variables that hold credentials:
// *_API_KEY, *_AUTH_TOKEN, *_TOKEN, *_SECRET and the agents' known key names.
void register_environment_secrets(char** environ_ptr);

// Masks registered secrets and well-known key shapes (sk-…, sk-ant-…,
// "Authorization: Bearer …", x-api-key headers) with "[REDACTED]".
std::string redact(std::string_view text);

} // namespace ralph::log
