import Foundation
import Store
import Synchronization

/// The far side of the crash test: a TCP server on 127.0.0.1 that reads one message key per
/// connection, stores it in its own inbox (whose duplicate check is on the message key), and only
/// then answers `OK`. It counts every arrival, duplicates included.
final class CrashReceiver: @unchecked Sendable {
    let port: UInt16
    let inbox: SQLiteStore
    private let listener: Int32
    private let arrivals = Mutex(0)

    init(inbox: SQLiteStore) throws {
        self.inbox = inbox
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 64) == 0 else { throw StoreError("test.receiver", "cannot listen on loopback") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
    }

    var totalArrivals: Int { arrivals.withLock { $0 } }

    func start() {
        Thread { [self] in serve() }.start()
    }

    /// Closing the listener ends `accept` and so the serving thread.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while !bytes.contains(UInt8(ascii: "\n")) && bytes.count < 1024 {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { return }
            bytes += buffer[0..<count]
        }
        let key = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        arrivals.withLock { $0 += 1 }
        guard store(key) else { return }
        _ = send(connection, "OK\n", 3, 0)
    }

    /// Bridges to the async store from this plain thread (not one of the cooperative pool's).
    private func store(_ key: String) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let stored = Mutex(false)
        let inbox = self.inbox
        Task {
            let receipt = try? await inbox.receive(InboundSubmission(messageKey: key, documentID: key, from: "CRASH", to: "RECEIVER",
                                                                    envelope: Data("<message>\(key)</message>".utf8)))
            stored.withLock { $0 = receipt != nil }
            done.signal()
        }
        done.wait()
        return stored.withLock { $0 }
    }
}
