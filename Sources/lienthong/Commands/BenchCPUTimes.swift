/// CPU seconds used so far by the bench's own process (the unit's load) and, when the nodes
/// run as `serve` processes, by each node: where a document's CPU goes, for sizing each role.
struct BenchCPUTimes: Sendable {
    var bench: Double
    /// Nil when the nodes share the bench's process.
    var nodes: NodeCPU?

    struct NodeCPU: Sendable {
        var bus: Double
        var sender: Double
        var recipient: Double
    }

    var total: Double { bench + (nodes.map { $0.bus + $0.sender + $0.recipient } ?? 0) }

    static func - (end: BenchCPUTimes, start: BenchCPUTimes) -> BenchCPUTimes {
        let nodes: NodeCPU? = if let a = end.nodes, let b = start.nodes {
            NodeCPU(bus: a.bus - b.bus, sender: a.sender - b.sender, recipient: a.recipient - b.recipient)
        } else {
            nil
        }
        return BenchCPUTimes(bench: end.bench - start.bench, nodes: nodes)
    }

    /// Milliseconds per document of each part, as (report label, JSON key suffix, value), in the
    /// order printed; empty in one process.
    private func perDocument(documents: Int) -> [(label: String, key: String, milliseconds: Double)] {
        guard let nodes, documents > 0 else { return [] }
        let per = { (seconds: Double) in seconds * 1000 / Double(documents) }
        return [("A", "Sender", per(nodes.sender)), ("bus", "Bus", per(nodes.bus)),
                ("B", "Recipient", per(nodes.recipient)), ("the unit (this bench)", "Bench", per(bench))]
    }

    /// `A 2.25 ms, bus 2.15 ms, B 1.82 ms, the unit (this bench) 0.20 ms` per document; nil in one process.
    func perDocumentText(documents: Int) -> String? {
        let parts = perDocument(documents: documents)
        guard !parts.isEmpty else { return nil }
        return parts.map { "\($0.label) " + String(format: "%.2f ms", $0.milliseconds) }.joined(separator: ", ")
    }

    /// Flat keys beside `cpuMillisecondsPerDocument` (`cpuMillisecondsPerDocumentBus`, …); none in one process.
    func perDocumentJSON(documents: Int) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: perDocument(documents: documents).map { ("cpuMillisecondsPerDocument\($0.key)", $0.milliseconds) })
    }
}
