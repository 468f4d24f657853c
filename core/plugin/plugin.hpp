#pragma once
// Optional parts whose libraries pull long dependency chains (libpq with
// Kerberos and LDAP, libcurl with GnuTLS, SSH and more) are plugins, loaded on
// first use. A `ralph status` on SQLite then maps 7 libraries instead of 40,
// which is most of a CLI call's start-up time.
//
// Plugins are looked up in $RALPH_PLUGIN_DIR, then next to the executable
// (<exe>/../<libdir>/ralph: both the build tree and an install use that
// layout), then in the configured install directory. A plugin from another
// ralph version is refused: the interface between them is C++.
#include <string>

#include "core/util/expected.hpp"

// What a plugin and its host must agree on: same ralph, same compiler.
// Expanded in each binary (a function would be interposed by the host's copy).
#define RALPH_PLUGIN_ABI RALPH_VERSION " " __VERSION__
// Marks a plugin's entry points; everything else in a plugin is hidden.
#define RALPH_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

namespace ralph::plugin {

// The address of `symbol` in plugin `file` (e.g. "libralph-pg.so"), loading
// it once per process; or a message saying what is missing and where it was looked for.
util::Expected<void*, std::string> symbol(const std::string& file, const char* symbol);

// Where `file` would be loaded from, or "" when it is not installed.
std::string find(const std::string& file);

} // namespace ralph::plugin
