import Foundation
import NIOCore
import NIOPosix

/// The bus URL is usable: HTTPS, and something accepts a TCP connection at its host and port.
/// (Whether TLS and the VDXP calls succeed over it is the relay layer's check.)
enum BusChecks {
    static let bus = DoctorCheck("bus") { context in
        guard let bus = context.configuration.bus else {
            return [.ok("bus", "no upstream bus in the \(context.configuration.role.rawValue) role")]
        }
        var findings: [DoctorFinding] = []
        if bus.url.scheme?.lowercased() == "https" {
            findings.append(.ok("bus.url", "\(bus.url.absoluteString) is an HTTPS URL"))
        } else {
            findings.append(.warn("bus.url", "\(bus.url.absoluteString) is plain HTTP; documents and the VDXP secret's HMACs travel unencrypted",
                                  fix: "use the bus's https:// URL"))
        }
        if bus.url.scheme?.lowercased() == "https" && bus.clientCertificateFile == nil {
            findings.append(.warn("bus.client_certificate_file", "no TLS client certificate for the bus",
                                  fix: "set client_certificate_file and client_key_file if the bus requires mutual TLS"))
        }
        let (host, port) = bus.hostAndPort
        switch await SocketAddressResolver.connect(host: host, port: port, timeout: context.networkTimeout) {
        case .success:
            findings.append(.ok("bus.reachable", "a TCP connection to \(host):\(port) succeeded"))
        case .failure(let error):
            findings.append(.unreachable("bus.reachable", "cannot open a TCP connection to \(host):\(port) (\(describe(error)))",
                                  fix: "check bus.url, DNS, and that firewalls let this host reach \(host):\(port)"))
        }
        return findings
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case is ChannelError:
            if case ChannelError.connectTimeout(let timeout) = error { return "no answer within \(timeout)" }
            return "\(error)"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first?.error { return describe(first) }
            if error.dnsAAAAError != nil || error.dnsAError != nil { return "the name does not resolve" }
            return "\(error)"
        default:
            return "\(error)"
        }
    }
}
