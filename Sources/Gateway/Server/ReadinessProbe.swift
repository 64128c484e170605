/// Whether one part of the gateway can do its work now (the store is open, the workers run, the
/// bus answered recently…). The layers supply probes; `/readyz` runs them all.
public protocol ReadinessProbe: Sendable {
    /// A short stable name (`store`, `relay.workers`), shown in the `/readyz` answer.
    var name: String { get }
    func check() async -> ReadinessResult
}

public enum ReadinessResult: Sendable, Equatable {
    case ready
    /// Not ready, with a stable reason code and a sentence for the operator.
    case notReady(reason: String, detail: String)
}

/// A probe from a closure, for layers whose readiness is one expression.
public struct ClosureReadinessProbe: ReadinessProbe {
    public let name: String
    private let body: @Sendable () async -> ReadinessResult

    public init(name: String, _ body: @escaping @Sendable () async -> ReadinessResult) {
        self.name = name
        self.body = body
    }

    public func check() async -> ReadinessResult { await body() }
}
