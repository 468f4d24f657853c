#pragma once
// Questions about a process group that kill(-pgid, 0) alone answers wrongly.
#include <sys/types.h>

namespace ralph::proc {

// True while a member of the group is still running. Zombies do not count:
// they hold no descriptors and cannot act, yet kill() still finds them until
// their new parent (init, which may reap slowly) collects them. Thread-safe.
bool group_has_live_member(pid_t pgid);

} // namespace ralph::proc
