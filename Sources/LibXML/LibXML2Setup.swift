internal import CLibXML2

/// libxml2's global state (the dictionaries' mutex and random seed, the parser's tables) must be
/// set up by `xmlInitParser` before threads share the library: that call is guarded, while the
/// set-up its other entry points do on first use is not. Two schema compilations starting at once
/// as a process's first libxml2 calls each created the dictionaries' mutex, and every later
/// dictionary waited for ever on the one left locked (libxml2 2.9.14's `__xmlInitializeDict`; a
/// test run hung in CI, session 14). Every entry point of this module that creates a parser, a
/// schema or a document reads `LibXML2Setup.done` first.
enum LibXML2Setup {
    /// Lazily initialised once, safely across threads (a Swift global).
    static let done: Void = { xmlInitParser() }()
}
