import COpenSSL
import Foundation

/// Conversions between OpenSSL's ASN1_TIME and Date.
enum ASN1Time {
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { OpenSSLErrorQueue.clear(); return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    static func seconds(_ date: Date) -> time_t { time_t(date.timeIntervalSince1970.rounded(.down)) }
}
