#pragma once
// Starts a child for PosixProcessRunner: a new process group led by the
// child, the given pipe ends as its stdin/stdout/stderr and nothing else.
#include <string>
#include <sys/types.h>
#include <vector>

#include "core/proc/process.hpp"
#include "core/util/expected.hpp"

namespace ralph::proc {

// The child's environment: the parent's plus spec.env (later entries win),
// or spec.env alone when spec.env_replace.
std::vector<std::string> child_environment(const ProcessSpec& spec);

// Returns the child's pid (also its process group id), or a message such as
// "cannot execute 'foo': No such file or directory". Thread-safe.
util::Expected<pid_t, std::string> spawn_in_new_group(const ProcessSpec& spec, int stdin_fd, int stdout_fd,
                                                      int stderr_fd);

} // namespace ralph::proc
