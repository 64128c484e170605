#ifndef LIENTHONG_CSPAWN_SHIM_H
#define LIENTHONG_CSPAWN_SHIM_H

// glibc declares these two only under _GNU_SOURCE / __USE_MISC, which Swift's Glibc module is
// not built with; both exist in Debian 12's glibc (2.34 and later).
#include <spawn.h>

int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
int pipe2(int fds[2], int flags);

#endif
