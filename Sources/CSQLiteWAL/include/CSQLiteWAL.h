#ifndef LIENTHONG_CSQLITEWAL_H
#define LIENTHONG_CSQLITEWAL_H

/// Registers, once, a VFS that wraps SQLite's default one and makes itself the default. It
/// changes one thing: the frames a transaction appends to a `-wal` file are written with one
/// write call per transaction instead of two per page (a frame's 24-byte header, then its page).
/// Returns SQLITE_OK, or SQLite's error code.
int lt_wal_combining_install(void);

/// Write calls made to `-wal` files, and frames written, since the process started (for tests).
void lt_wal_combining_counts(long long *writeCalls, long long *frames);

#endif
