import Glibc

/// Where one of a child's standard streams goes.
public enum ChildStream: Sendable {
    /// This process's own.
    case inherit
    /// `/dev/null`.
    case null
    /// A file, created when missing, appended to or truncated.
    case file(String, append: Bool)
    /// A descriptor of this process (a pipe's end, an open file).
    case descriptor(Int32)

    func add(to actions: inout posix_spawn_file_actions_t, as target: Int32) {
        switch self {
        case .inherit:
            break
        case .null:
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
        case .file(let path, let append):
            posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o644)
        case .descriptor(let source):
            posix_spawn_file_actions_adddup2(&actions, source, target)
        }
    }
}

/// NUL-terminated copies of strings, in a NULL-terminated array, as `argv` and `envp` are.
final class CStrings {
    private let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) { pointers = strings.map { strdup($0) } + [nil] }

    func withPointers<T>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
        pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    deinit { pointers.forEach { free($0) } }
}
