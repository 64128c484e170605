#ifndef LIENTHONG_CSQLITEWAL_SHIM_H
#define LIENTHONG_CSQLITEWAL_SHIM_H

// A header-only VFS shim (a system-library target, as the project's other C shims: a C target
// in the graph made SwiftPM load libxml2's module map into Store's compile, where its ICU types
// clash with Foundation's) that combines the writes of a WAL transaction.
//
// SQLite writes each WAL frame as two calls, its 24-byte header and then its page. At 300
// documents per second a node made some 20 such calls per document, 5 % of the machine's CPU
// in the kernel. This shim holds a transaction's frames in memory and writes them with one call
// when the commit frame (the one whose header carries the database size) has been appended, and
// before anything else touches the file: a read, a sync, a truncation, a size query, a lock, a
// file control, a close, or a write that is not the next frame. Only the exact pattern is
// deferred: a 24-byte frame header, or a page following the header just held. A transaction's
// frames become visible to other connections only when the writer updates the wal-index after
// its commit frame, by which time they are in the file; a frame never sits in memory once its
// transaction has committed, so what SIGKILL or a power cut can lose is unchanged.
#include <sqlite3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct CombiningFile {
    sqlite3_file base;       // pMethods: must come first
    sqlite3_file *real;      // the wrapped file, in the memory right after this struct
    int isWal;
    unsigned char *buffer;
    int capacity;
    int length;
    sqlite3_int64 start;     // file offset of buffer[0]
    int expectingPage;       // the last write held was a frame header
    int commitPending;       // ... and it was a commit frame's
} CombiningFile;

// The shim's state lives in a function's static: Swift's importer emits a header's functions,
// not its file-level statics.
typedef struct ShimState {
    sqlite3_vfs *realVfs;
    sqlite3_vfs combiningVfs;
    sqlite3_io_methods combiningMethods;
    sqlite3_int64 writeCalls, framesWritten;   // relaxed counters, for tests only
    int installResult;
    pthread_once_t installOnce;
} ShimState;

static inline ShimState *shim(void) {
    static ShimState state = { .installResult = -1, .installOnce = PTHREAD_ONCE_INIT };
    return &state;
}

enum { FRAME_HEADER = 24, MAX_BUFFER = 8 * 1024 * 1024 };

// The unix VFS writes at most 128 KiB - 1 in one system call and takes the size modulo 128 KiB
// (`nBuf &= 0x1ffff` in `seekAndWriteFd`, sized for single pages): a 128 KiB write would be a
// zero-byte one, reported as SQLITE_FULL. So a held transaction goes in pieces below that.
enum { MAX_WRITE = 0x1F000 };

static int flush(CombiningFile *file) {
    if (file->length == 0) return SQLITE_OK;
    int rc = SQLITE_OK;
    for (int done = 0; done < file->length && rc == SQLITE_OK; done += MAX_WRITE) {
        int piece = file->length - done < MAX_WRITE ? file->length - done : MAX_WRITE;
        rc = file->real->pMethods->xWrite(file->real, file->buffer + done, piece, file->start + done);
        __atomic_add_fetch(&shim()->writeCalls, 1, __ATOMIC_RELAXED);
    }
    file->length = 0;
    file->expectingPage = 0;
    file->commitPending = 0;
    return rc;
}

static int hold(CombiningFile *file, const void *data, int amount, sqlite3_int64 offset) {
    if (file->length + amount > file->capacity) {
        int wanted = file->capacity ? file->capacity * 2 : 256 * 1024;
        while (wanted < file->length + amount) wanted *= 2;
        unsigned char *grown = realloc(file->buffer, (size_t)wanted);
        if (!grown) return SQLITE_IOERR_NOMEM;
        file->buffer = grown;
        file->capacity = wanted;
    }
    if (file->length == 0) file->start = offset;
    memcpy(file->buffer + file->length, data, (size_t)amount);
    file->length += amount;
    return SQLITE_OK;
}

// What is held goes first, so the file sees the writes in their order.
static int writeThrough(CombiningFile *file, const void *data, int amount, sqlite3_int64 offset) {
    int rc = flush(file);
    if (rc != SQLITE_OK) return rc;
    __atomic_add_fetch(&shim()->writeCalls, 1, __ATOMIC_RELAXED);
    return file->real->pMethods->xWrite(file->real, data, amount, offset);
}

static int xWrite(sqlite3_file *f, const void *data, int amount, sqlite3_int64 offset) {
    CombiningFile *file = (CombiningFile *)f;
    if (!file->isWal) return file->real->pMethods->xWrite(file->real, data, amount, offset);
    int contiguous = file->length == 0 || offset == file->start + file->length;
    int isHeader = amount == FRAME_HEADER && !file->expectingPage && contiguous;
    int isPage = file->expectingPage && contiguous && amount > FRAME_HEADER;
    if (!isHeader && !isPage) return writeThrough(file, data, amount, offset);
    if (isHeader && file->length + FRAME_HEADER + 65536 > MAX_BUFFER) {
        int rc = flush(file);
        if (rc != SQLITE_OK) return rc;
    }
    if (hold(file, data, amount, offset) != SQLITE_OK) return writeThrough(file, data, amount, offset);
    if (isHeader) {
        const unsigned char *bytes = data;
        file->expectingPage = 1;
        file->commitPending = (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
        return SQLITE_OK;
    }
    file->expectingPage = 0;
    __atomic_add_fetch(&shim()->framesWritten, 1, __ATOMIC_RELAXED);
    return file->commitPending ? flush(file) : SQLITE_OK;
}

// Everything else flushes first, then hands over to the wrapped file.
#define FLUSHED(call) do { CombiningFile *file = (CombiningFile *)f; int rc = flush(file); \
    if (rc != SQLITE_OK) return rc; return call; } while (0)

static int xRead(sqlite3_file *f, void *data, int amount, sqlite3_int64 offset) {
    FLUSHED(file->real->pMethods->xRead(file->real, data, amount, offset));
}
static int xTruncate(sqlite3_file *f, sqlite3_int64 size) { FLUSHED(file->real->pMethods->xTruncate(file->real, size)); }
static int xSync(sqlite3_file *f, int flags) { FLUSHED(file->real->pMethods->xSync(file->real, flags)); }
static int xFileSize(sqlite3_file *f, sqlite3_int64 *size) { FLUSHED(file->real->pMethods->xFileSize(file->real, size)); }
static int xLock(sqlite3_file *f, int level) { FLUSHED(file->real->pMethods->xLock(file->real, level)); }
static int xUnlock(sqlite3_file *f, int level) { FLUSHED(file->real->pMethods->xUnlock(file->real, level)); }
static int xCheckReservedLock(sqlite3_file *f, int *out) {
    CombiningFile *file = (CombiningFile *)f;
    return file->real->pMethods->xCheckReservedLock(file->real, out);
}
static int xFileControl(sqlite3_file *f, int op, void *arg) { FLUSHED(file->real->pMethods->xFileControl(file->real, op, arg)); }
static int xSectorSize(sqlite3_file *f) { return ((CombiningFile *)f)->real->pMethods->xSectorSize(((CombiningFile *)f)->real); }
static int xDeviceCharacteristics(sqlite3_file *f) {
    return ((CombiningFile *)f)->real->pMethods->xDeviceCharacteristics(((CombiningFile *)f)->real);
}
static int xShmMap(sqlite3_file *f, int region, int size, int extend, void volatile **out) {
    CombiningFile *file = (CombiningFile *)f;
    return file->real->pMethods->xShmMap(file->real, region, size, extend, out);
}
static int xShmLock(sqlite3_file *f, int offset, int n, int flags) {
    CombiningFile *file = (CombiningFile *)f;
    return file->real->pMethods->xShmLock(file->real, offset, n, flags);
}
static void xShmBarrier(sqlite3_file *f) { CombiningFile *file = (CombiningFile *)f; file->real->pMethods->xShmBarrier(file->real); }
static int xShmUnmap(sqlite3_file *f, int deleteFlag) {
    CombiningFile *file = (CombiningFile *)f;
    return file->real->pMethods->xShmUnmap(file->real, deleteFlag);
}
static int xFetch(sqlite3_file *f, sqlite3_int64 offset, int amount, void **out) {
    FLUSHED(file->real->pMethods->xFetch(file->real, offset, amount, out));
}
static int xUnfetch(sqlite3_file *f, sqlite3_int64 offset, void *p) {
    CombiningFile *file = (CombiningFile *)f;
    return file->real->pMethods->xUnfetch(file->real, offset, p);
}

static int xClose(sqlite3_file *f) {
    CombiningFile *file = (CombiningFile *)f;
    int flushed = flush(file);
    free(file->buffer);
    file->buffer = NULL;
    int rc = file->real->pMethods ? file->real->pMethods->xClose(file->real) : SQLITE_OK;
    return flushed != SQLITE_OK ? flushed : rc;
}

static int xOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *outFlags) {
    (void)vfs;
    CombiningFile *file = (CombiningFile *)f;
    memset(file, 0, sizeof(CombiningFile));
    file->real = (sqlite3_file *)&file[1];
    int rc = shim()->realVfs->xOpen(shim()->realVfs, name, file->real, flags, outFlags);
    file->isWal = rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) != 0;
    // As SQLite's rule for xOpen: methods set (even on failure) mean xClose will be called, and
    // ours then closes the wrapped file.
    file->base.pMethods = file->real->pMethods ? &shim()->combiningMethods : NULL;
    return rc;
}

// The rest of the VFS is the wrapped one's.
static int xDelete(sqlite3_vfs *v, const char *n, int s) { (void)v; return shim()->realVfs->xDelete(shim()->realVfs, n, s); }
static int xAccess(sqlite3_vfs *v, const char *n, int fl, int *o) { (void)v; return shim()->realVfs->xAccess(shim()->realVfs, n, fl, o); }
static int xFullPathname(sqlite3_vfs *v, const char *n, int size, char *o) { (void)v; return shim()->realVfs->xFullPathname(shim()->realVfs, n, size, o); }
static void *xDlOpen(sqlite3_vfs *v, const char *n) { (void)v; return shim()->realVfs->xDlOpen(shim()->realVfs, n); }
static void xDlError(sqlite3_vfs *v, int size, char *o) { (void)v; shim()->realVfs->xDlError(shim()->realVfs, size, o); }
static void (*xDlSym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return shim()->realVfs->xDlSym(shim()->realVfs, h, s); }
static void xDlClose(sqlite3_vfs *v, void *h) { (void)v; shim()->realVfs->xDlClose(shim()->realVfs, h); }
static int xRandomness(sqlite3_vfs *v, int size, char *o) { (void)v; return shim()->realVfs->xRandomness(shim()->realVfs, size, o); }
static int xSleep(sqlite3_vfs *v, int micro) { (void)v; return shim()->realVfs->xSleep(shim()->realVfs, micro); }
static int xCurrentTime(sqlite3_vfs *v, double *o) { (void)v; return shim()->realVfs->xCurrentTime(shim()->realVfs, o); }
static int xGetLastError(sqlite3_vfs *v, int size, char *o) { (void)v; return shim()->realVfs->xGetLastError ? shim()->realVfs->xGetLastError(shim()->realVfs, size, o) : 0; }
static int xCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *o) { (void)v; return shim()->realVfs->xCurrentTimeInt64(shim()->realVfs, o); }
static int xSetSystemCall(sqlite3_vfs *v, const char *n, sqlite3_syscall_ptr p) { (void)v; return shim()->realVfs->xSetSystemCall(shim()->realVfs, n, p); }
static sqlite3_syscall_ptr xGetSystemCall(sqlite3_vfs *v, const char *n) { (void)v; return shim()->realVfs->xGetSystemCall(shim()->realVfs, n); }
static const char *xNextSystemCall(sqlite3_vfs *v, const char *n) { (void)v; return shim()->realVfs->xNextSystemCall(shim()->realVfs, n); }


static void install(void) {
    shim()->realVfs = sqlite3_vfs_find(NULL);
    // Only over the unix VFS, whose files all offer version 3 of the methods (shared memory and
    // memory-mapped reads), which this shim passes through.
    if (shim()->realVfs == NULL || shim()->realVfs->iVersion < 3 || strcmp(shim()->realVfs->zName, "unix") != 0) {
        shim()->installResult = SQLITE_ERROR;
        return;
    }
    shim()->combiningMethods = (sqlite3_io_methods){
        .iVersion = 3, .xClose = xClose, .xRead = xRead, .xWrite = xWrite, .xTruncate = xTruncate, .xSync = xSync,
        .xFileSize = xFileSize, .xLock = xLock, .xUnlock = xUnlock, .xCheckReservedLock = xCheckReservedLock,
        .xFileControl = xFileControl, .xSectorSize = xSectorSize, .xDeviceCharacteristics = xDeviceCharacteristics,
        .xShmMap = xShmMap, .xShmLock = xShmLock, .xShmBarrier = xShmBarrier, .xShmUnmap = xShmUnmap,
        .xFetch = xFetch, .xUnfetch = xUnfetch,
    };
    shim()->combiningVfs = (sqlite3_vfs){
        .iVersion = 3, .szOsFile = (int)sizeof(CombiningFile) + shim()->realVfs->szOsFile, .mxPathname = shim()->realVfs->mxPathname,
        .zName = "lienthong-wal-combining", .xOpen = xOpen, .xDelete = xDelete, .xAccess = xAccess,
        .xFullPathname = xFullPathname, .xDlOpen = xDlOpen, .xDlError = xDlError, .xDlSym = xDlSym, .xDlClose = xDlClose,
        .xRandomness = xRandomness, .xSleep = xSleep, .xCurrentTime = xCurrentTime, .xGetLastError = xGetLastError,
        .xCurrentTimeInt64 = xCurrentTimeInt64, .xSetSystemCall = xSetSystemCall, .xGetSystemCall = xGetSystemCall,
        .xNextSystemCall = xNextSystemCall,
    };
    shim()->installResult = sqlite3_vfs_register(&shim()->combiningVfs, 1);
}


/// Registers, once, the shim as SQLite's default VFS over the unix one. SQLITE_OK, or SQLite's
/// error code (SQLITE_ERROR where the default VFS is not the unix one).
static inline int lt_wal_combining_install(void) {
    pthread_once(&shim()->installOnce, install);
    return shim()->installResult;
}

/// Write calls made to `-wal` files, and frames held, since the process started (for tests).
static inline void lt_wal_combining_counts(long long *calls, long long *frames) {
    *calls = __atomic_load_n(&shim()->writeCalls, __ATOMIC_RELAXED);
    *frames = __atomic_load_n(&shim()->framesWritten, __ATOMIC_RELAXED);
}

#endif
