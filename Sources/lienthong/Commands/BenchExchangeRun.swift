import Foundation
import Gateway
import Relay
import Store
import Synchronization

/// Drives one batch of `bench exchange`: sends from A's unit API, watches B's store.
final class ExchangeRun: Sendable {
    let sender: DemoNetwork.Ready.Gateway
    let recipient: DemoNetwork.Ready.Gateway
    let inbox: SQLiteStore
    let concurrency: Int
    let transport: CurlHTTPTransport
    /// Numbers documents across batches: the same DocumentId twice would be B's duplicate.
    let batches = Atomic<Int>(0)

    /// A unit's document JSON cut where the document number goes: serialised once, so the
    /// unit's own work (not the gateway's) stays out of the CPU the bench reports.
    private let smallDocument: [[UInt8]]
    private let documentWithAttachment: [[UInt8]]

    init(sender: DemoNetwork.Ready.Gateway, recipient: DemoNetwork.Ready.Gateway, inbox: SQLiteStore, concurrency: Int) throws {
        smallDocument = try Self.documentTemplate(from: sender.organId, to: recipient.organId, contentRepeats: 80)
        documentWithAttachment = try Self.documentTemplate(from: sender.organId, to: recipient.organId, contentRepeats: 2)
        self.sender = sender
        self.recipient = recipient
        self.inbox = inbox
        self.concurrency = concurrency
        transport = try CurlHTTPTransport(configuration: TransportConfiguration(maxTransfersPerDestination: concurrency))
    }

    /// Sends `count` documents and waits until B holds them all. Closed loop (`rate` nil):
    /// `concurrency` senders, each sending its next document when the last one is answered.
    /// Open loop: one document every 1/`rate` s whatever the answers, at most `concurrency` in
    /// flight; submission latency then counts from the planned send time, so a slow answer
    /// is not hidden by sending less (no coordinated omission).
    func measure(count: Int, attachmentBytes: Int, rate: Double? = nil) async throws -> ExchangeFigures {
        let batch = batches.add(1, ordering: .relaxed).newValue
        let clock = ContinuousClock()
        let start = clock.now
        let cpuAtStart = ProcessCPU.seconds(.this)
        let submitted = try await withThrowingTaskGroup(of: [Submitted].self) { group in
            var done: [Submitted] = []
            if let rate {
                for index in 0..<count {
                    let planned = start + .seconds(Double(index) / rate)
                    try await clock.sleep(until: planned)
                    if index >= concurrency, let finished = try await group.next() { done += finished }
                    group.addTask {
                        let at = Date()
                        let documentId = try await self.submit(number: batch * 10_000_000 + index, attachmentBytes: attachmentBytes)
                        return [Submitted(documentId: documentId, at: at, milliseconds: (clock.now - planned).seconds * 1000)]
                    }
                }
            } else {
                for worker in 0..<min(concurrency, count) {
                    let share = count / concurrency + (worker < count % concurrency ? 1 : 0)
                    group.addTask {
                        var sent: [Submitted] = []
                        for index in 0..<share {
                            let begin = clock.now
                            let at = Date()
                            let documentId = try await self.submit(number: batch * 10_000_000 + worker * 100_000 + index,
                                                                   attachmentBytes: attachmentBytes)
                            sent.append(Submitted(documentId: documentId, at: at, milliseconds: (clock.now - begin).seconds * 1000))
                        }
                        return sent
                    }
                }
            }
            return try await group.reduce(into: done) { $0 += $1 }
        }
        let sentAt = Dictionary(submitted.map { ($0.documentId, $0.at) }, uniquingKeysWith: { first, _ in first })
        let arrivals = try await waitForArrivals(of: Set(sentAt.keys), deadline: clock.now + .seconds(600))
        let last = arrivals.values.max() ?? Date()
        let firstSent = sentAt.values.min() ?? Date()
        return ExchangeFigures(count: count, elapsed: .milliseconds(Int64(last.timeIntervalSince(firstSent) * 1000)),
                               cpuSeconds: ProcessCPU.seconds(.this) - cpuAtStart,
                               submission: submitted.map(\.milliseconds).sorted(),
                               arrival: arrivals.compactMap { id, at in sentAt[id].map { at.timeIntervalSince($0) * 1000 } }.sorted())
    }

    private struct Submitted: Sendable {
        var documentId: String
        var at: Date
        var milliseconds: Double
    }

    private func submit(number: Int, attachmentBytes: Int) async throws -> String {
        let template = attachmentBytes > 0 ? documentWithAttachment : smallDocument
        let json = Array(template.joined(separator: Array("\(number)".utf8)))
        var parts = [FormPart(name: "document", data: json,
                              contentType: "application/json")]
        if attachmentBytes > 0 {
            parts.append(FormPart(name: "file", data: [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: attachmentBytes),
                                  fileName: "phu-luc.pdf", contentType: "application/pdf"))
        }
        let response = try await transport.send(HTTPRequest(
            method: "POST", url: "\(sender.api)/v1/documents",
            headers: [HTTPField("Authorization", "Bearer \(sender.token)")], body: .multipart(parts)))
        guard response.status == 202,
              let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let documentId = answer["documentId"] as? String else {
            throw CommandFailure.unavailable("bench.submission_refused",
                                             "A refused a submission (HTTP \(response.status)): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        return documentId
    }

    private static let numberMark = "@NUMBER@"

    private static func documentTemplate(from sender: String, to recipient: String, contentRepeats: Int) throws -> [[UInt8]] {
        let document: [String: Any] = [
            "from": ["organId": sender, "organName": "Cơ quan gửi"],
            "to": [["organId": recipient, "organName": "Cơ quan nhận"]],
            "code": ["number": numberMark, "notation": "BENCH"],
            "promulgation": ["place": "Hà Nội", "date": "2026/11/25"],
            "type": ["type": 1, "name": "Công văn"],
            "subject": "Văn bản đo tốc độ số \(numberMark)",
            "content": String(repeating: "Nội dung văn bản đo tốc độ liên thông. ", count: contentRepeats),
        ]
        return Array(try JSONSerialization.data(withJSONObject: document)).split(separator: Array(numberMark.utf8),
                                                                                 omittingEmptySubsequences: false).map(Array.init)
    }

    /// Reads B's inbox until every document is there, each read after the last id seen (inbox ids
    /// grow in commit order). Arrival times are B's own `receivedAt`, so reading seldom costs no
    /// precision, only CPU the network would not have.
    private func waitForArrivals(of documentIds: Set<String>, deadline: ContinuousClock.Instant) async throws -> [String: Date] {
        var arrived: [String: Date] = [:]
        var cursor: String?
        while arrived.count < documentIds.count {
            guard ContinuousClock.now < deadline else {
                throw CommandFailure.unavailable("bench.timeout", "only \(arrived.count) of \(documentIds.count) documents reached B")
            }
            let page = try await inbox.inbox(after: cursor, limit: 1_000_000)
            cursor = page.last?.id ?? cursor
            for message in page where documentIds.contains(message.documentID) {
                arrived[message.documentID] = message.receivedAt
            }
            if arrived.count < documentIds.count { try await Task.sleep(for: .milliseconds(250)) }
        }
        return arrived
    }
}
