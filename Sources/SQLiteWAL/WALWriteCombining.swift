internal import CSQLiteWAL

/// SQLite writes each WAL frame with two calls, its 24-byte header and then its page; at 300
/// documents per second that was some 20 write calls per document per node, about 5 % of the
/// machine's CPU spent in the kernel. `CSQLiteWAL` registers, as the default VFS, a shim over
/// SQLite's unix VFS that writes a transaction's frames with one call once its commit frame is
/// appended (and before any read, sync, size query or other write of the file), so nothing a
/// reader may see, and nothing a crash may lose, changes. See `Sources/CSQLiteWAL/shim.h`.
/// A module of its own, without Foundation, as `LibXML` is: a module importing Foundation and a
/// clang module together had libxml2's ICU types clash with Foundation's in a clean build.
public enum WALWriteCombining {
    /// Installs the shim once, before the first connection opens. False where SQLite's default
    /// VFS is not the unix one; stores then write as SQLite does by itself.
    public static let installed: Bool = lt_wal_combining_install() == 0

    /// Write calls made to WAL files and frames held and written together, since the process
    /// started.
    public static var counts: (writeCalls: Int64, frames: Int64) {
        var calls: Int64 = 0
        var frames: Int64 = 0
        lt_wal_combining_counts(&calls, &frames)
        return (calls, frames)
    }
}
