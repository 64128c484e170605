import Foundation
import LibCurl
import Synchronization

/// The open loop of `bench exchange`: one request every 1/`rate` s, planned from the start
/// whatever the answers, at most `concurrency` in flight, offered from a thread of its own and
/// timed on libcurl's engine thread, so that the load generator's own scheduling never counts
/// as the server's latency (see `ExchangeRun`). Each latency runs from the planned send time.
final class OpenLoopLoad: Sendable {
    let count: Int
    let rate: Double
    let concurrency: Int
    let client: CurlClient
    let request: @Sendable (Int) -> CurlRequest

    private struct Progress {
        var answers: [(index: Int, response: CurlResponse)] = []
        var failure: CurlError?
        var abandoned: String?
        var finished = 0
        var continuation: CheckedContinuation<Void, Never>?
    }
    private let progress = Mutex(Progress())
    private let inFlight = Atomic<Int>(0)

    init(count: Int, rate: Double, concurrency: Int, client: CurlClient, request: @escaping @Sendable (Int) -> CurlRequest) {
        self.count = count
        self.rate = rate
        self.concurrency = max(1, concurrency)
        self.client = client
        self.request = request
    }

    func run() async throws -> [ExchangeRun.Submitted] {
        guard count > 0 else { return [] }
        let start = ContinuousClock.now
        let startDate = Date()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            progress.withLock { $0.continuation = continuation }
            let thread = Thread { self.offer(from: start) }
            thread.name = "lienthong.bench-load"
            thread.start()
        }
        let (answers, failure, abandoned) = progress.withLock { ($0.answers, $0.failure, $0.abandoned) }
        if let abandoned { throw CommandFailure.unavailable("bench.timeout", abandoned) }
        if let failure {
            throw CommandFailure.unavailable("bench.submission_failed", "a submission to A failed: \(failure)")
        }
        return try answers.map { index, response in
            ExchangeRun.Submitted(documentId: try ExchangeRun.documentId(in: response),
                                  at: startDate.addingTimeInterval(offset(of: index).seconds),
                                  milliseconds: (response.completedAt - (start + offset(of: index))).seconds * 1000)
        }
    }

    /// When request `index` is planned, after the start.
    private func offset(of index: Int) -> Duration { .seconds(Double(index) / rate) }

    /// The load thread: sleeps until each planned instant, waits (bounded) for a free slot, sends.
    private func offer(from start: ContinuousClock.Instant) {
        for index in 0..<count {
            let wait = start + offset(of: index) - .now
            if wait > .zero { Thread.sleep(forTimeInterval: wait.seconds) }
            // A slot frees when an answer comes in, at the latest at the transfers' own timeouts.
            let slotDeadline = ContinuousClock.now + .seconds(300)
            while inFlight.load(ordering: .acquiring) >= concurrency {
                guard ContinuousClock.now < slotDeadline else { return abandon(from: index) }
                Thread.sleep(forTimeInterval: 0.000_2)
            }
            inFlight.add(1, ordering: .acquiringAndReleasing)
            do throws(CurlError) {
                try client.start(request(index)) { result in self.answered(index, result) }
            } catch {
                answered(index, .failure(error))
            }
        }
    }

    /// Ends the run without sending `index` and the rest: no slot came free in minutes.
    private func abandon(from index: Int) {
        finish(count - index) { state in
            state.abandoned = "no answer from A freed a slot for 300 s (document \(index) of \(count) not sent)"
        }
    }

    /// On libcurl's engine thread: keeps the answer and frees its slot.
    private func answered(_ index: Int, _ result: Result<CurlResponse, CurlError>) {
        inFlight.subtract(1, ordering: .acquiringAndReleasing)
        finish(1) { state in
            switch result {
            case .success(let response): state.answers.append((index, response))
            case .failure(let error): state.failure = state.failure ?? error
            }
        }
    }

    /// Records `requests` more as done; the last one ends the run.
    private func finish(_ requests: Int, recording record: (inout Progress) -> Void) {
        let done = progress.withLock { state -> CheckedContinuation<Void, Never>? in
            record(&state)
            state.finished += requests
            guard state.finished == count else { return nil }
            defer { state.continuation = nil }
            return state.continuation
        }
        done?.resume()
    }
}
