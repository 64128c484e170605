// A child process for the store's crash test: it enqueues messages and delivers them to a
// receiver on a loopback port, printing `ack KEY` only after each enqueue returned. The test
// kills it with SIGKILL at random moments and restarts it.
//
//   StoreCrashWorker STORE_DIR PORT PREFIX COUNT        enqueue COUNT messages and deliver
//   StoreCrashWorker STORE_DIR PORT --drain             deliver until nothing is left, exit 0
import Foundation
import Store

let arguments = CommandLine.arguments
guard arguments.count >= 4, let port = UInt16(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: StoreCrashWorker STORE_DIR PORT (PREFIX COUNT | --drain)\n".utf8))
    exit(64)
}
let drain = arguments[3] == "--drain"
let prefix = drain ? "" : arguments[3]
let count = drain ? 0 : Int(arguments[4]) ?? 0

let policy = QueuePolicy(defaultRetry: RetryPolicy(base: .milliseconds(20), cap: .milliseconds(100), maxAttempts: 10_000,
                                                   maxAge: .seconds(3600)),
                         breaker: BreakerPolicy(failureThreshold: 10_000, openDuration: .milliseconds(100)))
let store = try SQLiteStore(directory: URL(fileURLWithPath: arguments[1]), options: StoreOptions(durability: .full, policy: policy))
let leaseDuration = Duration.milliseconds(400)

/// Sends the key as one line and waits for the receiver's `OK` (sent after it stored the key).
func deliver(_ key: String) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return false }
    let line = Array("\(key)\n".utf8)
    guard send(fd, line, line.count, 0) == line.count else { return false }
    var reply = [UInt8](repeating: 0, count: 8)
    let received = recv(fd, &reply, reply.count, 0)
    return received >= 2 && reply[0] == UInt8(ascii: "O") && reply[1] == UInt8(ascii: "K")
}

func deliveryLoop(worker: String) async throws {
    while true {
        let claims = try await store.claim(worker: worker, limit: 4, leaseDuration: leaseDuration)
        if claims.isEmpty {
            if drain {
                let stats = try await store.stats()
                if MessageState.undelivered.allSatisfy({ (stats.byState[$0] ?? 0) == 0 }) { return }
            }
            try await Task.sleep(for: .milliseconds(10))
            continue
        }
        for claim in claims {
            let start = ContinuousClock.now
            let ok = deliver(claim.message.documentID)
            let result: AttemptResult = ok ? .delivered(httpStatus: 200)
                : .failed(.transport(code: "socket", detail: "the receiver did not answer"))
            do {
                try await store.complete(claim.lease, result: result, duration: ContinuousClock.now - start)
            } catch let error as StoreError where error.reasonCode == "queue.lease_lost" {
                // Slower than the 400 ms lease (a loaded machine, a sanitizer build): the message
                // is claimed again and may arrive twice, which the test allows, as the relay does.
            }
        }
    }
}

try await withThrowingTaskGroup(of: Void.self) { group in
    for producer in 0..<4 {
        group.addTask {
            for index in stride(from: producer, to: count, by: 4) {
                let key = "\(prefix)-\(index)"
                _ = try await store.enqueue(OutboundSubmission(documentID: key, from: "CRASH", to: ["RECEIVER"],
                                                               envelope: Data("<message>\(key)</message>".utf8)))
                FileHandle.standardOutput.write(Data("ack \(key)\n".utf8))
            }
        }
    }
    for worker in 0..<2 {
        group.addTask { try await deliveryLoop(worker: "\(prefix)\(ProcessInfo.processInfo.processIdentifier)-\(worker)") }
    }
    // In drain mode the delivery loops end when nothing is left; otherwise the test kills us.
    try await group.waitForAll()
}
