import Foundation
import Gateway
import LibCurl
import Relay
import Store
import Synchronization

/// Drives one batch of `bench exchange`: sends from A's unit API, watches B's store.
///
/// The unit server is simulated in this process, but timed as the separate process it is: each
/// answer is timed on libcurl's engine thread when it arrives, and the open loop offers its
/// documents from a thread of its own. Timed from a task instead, a 202 would wait its turn on
/// Swift's cooperative pool behind the three nodes' work, and the wait would count as A's.
final class ExchangeRun: Sendable {
    let sender: DemoNetwork.Ready.Gateway
    let recipient: DemoNetwork.Ready.Gateway
    let inbox: SQLiteStore
    let concurrency: Int
    let client: CurlClient
    /// CPU used so far by the nodes and this process.
    let cpu: @Sendable () -> BenchCPUTimes
    /// Numbers documents across batches: the same DocumentId twice would be B's duplicate.
    let batches = Atomic<Int>(0)

    /// A unit's document JSON cut where the document number goes: serialised once, so the
    /// unit's own work (not the gateway's) stays out of the CPU the bench reports.
    private let smallDocument: [[UInt8]]
    private let documentWithAttachment: [[UInt8]]

    init(sender: DemoNetwork.Ready.Gateway, recipient: DemoNetwork.Ready.Gateway, inbox: SQLiteStore, concurrency: Int,
         cpu: @escaping @Sendable () -> BenchCPUTimes) throws {
        smallDocument = try Self.documentTemplate(from: sender.organId, to: recipient.organId, contentRepeats: 80)
        documentWithAttachment = try Self.documentTemplate(from: sender.organId, to: recipient.organId, contentRepeats: 2)
        self.sender = sender
        self.recipient = recipient
        self.inbox = inbox
        self.concurrency = concurrency
        self.cpu = cpu
        client = try CurlClient(options: CurlClientOptions(maxTransfersPerDestination: concurrency))
    }

    /// Sends `count` documents and waits until B holds them all. Closed loop (`rate` nil):
    /// `concurrency` senders, each sending its next document when the last one is answered.
    /// Open loop: one document every 1/`rate` s whatever the answers, at most `concurrency` in
    /// flight; submission latency then counts from the planned send time, so a slow answer
    /// is not hidden by sending less (no coordinated omission).
    func measure(count: Int, attachmentBytes: Int, rate: Double? = nil) async throws -> ExchangeFigures {
        let batch = batches.add(1, ordering: .relaxed).newValue
        let histogramAtStart = try await AcknowledgementHistogram.read(from: sender.api, client: client)
        let cpuAtStart = cpu()
        let submitted: [Submitted]
        if let rate {
            submitted = try await OpenLoopLoad(count: count, rate: rate, concurrency: concurrency, client: client) { index in
                self.request(number: batch * 10_000_000 + index, attachmentBytes: attachmentBytes)
            }.run()
        } else {
            submitted = try await closedLoop(count: count) { worker, index in
                self.request(number: batch * 10_000_000 + worker * 100_000 + index, attachmentBytes: attachmentBytes)
            }
        }
        let sentAt = Dictionary(submitted.map { ($0.documentId, $0.at) }, uniquingKeysWith: { first, _ in first })
        let arrivals = try await waitForArrivals(of: Set(sentAt.keys), deadline: .now + .seconds(600))
        let last = arrivals.values.max() ?? Date()
        let firstSent = sentAt.values.min() ?? Date()
        let cpuUsed = cpu() - cpuAtStart
        let histogram = try await AcknowledgementHistogram.read(from: sender.api, client: client)
        let records = submitted.sorted { $0.at < $1.at }.map { sent in
            ExchangeFigures.Record(sentAt: sent.at.timeIntervalSince(firstSent), submissionMilliseconds: sent.milliseconds,
                                   arrivalMilliseconds: arrivals[sent.documentId].map { $0.timeIntervalSince(sent.at) * 1000 })
        }
        return ExchangeFigures(count: count, elapsed: .milliseconds(Int64(last.timeIntervalSince(firstSent) * 1000)),
                               cpu: cpuUsed, atA: histogramAtStart.flatMap { start in histogram?.since(start) }, records: records)
    }

    struct Submitted: Sendable {
        var documentId: String
        var at: Date
        var milliseconds: Double
    }

    private func closedLoop(count: Int, request: @escaping @Sendable (_ worker: Int, _ index: Int) -> CurlRequest) async throws -> [Submitted] {
        try await withThrowingTaskGroup(of: [Submitted].self) { group in
            for worker in 0..<min(concurrency, count) {
                let share = count / concurrency + (worker < count % concurrency ? 1 : 0)
                group.addTask {
                    var sent: [Submitted] = []
                    for index in 0..<share {
                        let begin = ContinuousClock.now
                        let at = Date()
                        let response = try await self.client.perform(request(worker, index))
                        sent.append(Submitted(documentId: try Self.documentId(in: response), at: at,
                                              milliseconds: (response.completedAt - begin).seconds * 1000))
                    }
                    return sent
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    private func request(number: Int, attachmentBytes: Int) -> CurlRequest {
        let template = attachmentBytes > 0 ? documentWithAttachment : smallDocument
        var parts = [MultipartPart(name: "document", data: Array(template.joined(separator: Array("\(number)".utf8))),
                                   contentType: "application/json")]
        if attachmentBytes > 0 {
            parts.append(MultipartPart(name: "file", data: [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: attachmentBytes),
                                       fileName: "phu-luc.pdf", contentType: "application/pdf"))
        }
        return CurlRequest(method: "POST", url: "\(sender.api)/v1/documents",
                           headers: [("Authorization", "Bearer \(sender.token)")], body: .multipart(parts))
    }

    /// The document id of A's 202, or the reason A refused.
    static func documentId(in response: CurlResponse) throws -> String {
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
