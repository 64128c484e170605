import Foundation
import Synchronization

/// A certificate the gateway depends on and when it stops being valid. The signing and TLS
/// layers supply them; the console, `/metrics` and `/readyz` read them.
public struct CertificateExpiry: Sendable, Equatable {
    public var name: String
    public var notAfter: Date
    public init(name: String, notAfter: Date) { self.name = name; self.notAfter = notAfter }
}

public protocol CertificateExpirySource: Sendable {
    func certificates() async -> [CertificateExpiry]
}

/// Fixed list, for a daemon that read its certificates once at start.
public struct StaticCertificates: CertificateExpirySource {
    public let list: [CertificateExpiry]
    public init(_ list: [CertificateExpiry]) { self.list = list }
    public func certificates() async -> [CertificateExpiry] { list }
}

/// Whether the signing key is loaded and usable; fed by the signing layer.
public protocol SigningKeyStatus: Sendable {
    func keysLoaded() async -> Bool
}

/// When the bus last answered. The relay and the poller call `recordContact()` after every
/// exchange that reached the bus (whatever the answer's status), the readiness probe reads it.
/// A lock, not an actor: the relay records a contact per delivered message, and an actor call
/// from there needed a task of its own each time.
public final class BusContactTracker: Sendable {
    private let last = Mutex<Date?>(nil)
    public init() {}
    public var lastContact: Date? { last.withLock { $0 } }
    public func recordContact(at date: Date = Date()) { last.withLock { $0 = date } }
}
