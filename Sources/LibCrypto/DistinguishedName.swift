import COpenSSL

/// A subject or issuer name, read once into Swift values.
public struct DistinguishedName: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// (short attribute name, value) in certificate order, e.g. ("CN", "Văn phòng Chính phủ").
    public let attributes: [(name: String, value: String)]
    /// RFC 2253 text (most specific first) with UTF-8 left readable.
    public let rfc2253: String

    public var description: String { rfc2253 }

    public func values(_ name: String) -> [String] { attributes.filter { $0.name == name }.map(\.value) }
    public var commonName: String? { values("CN").first }
    public var serialNumber: String? { values("serialNumber").first }
    public var organizationalUnits: [String] { values("OU") }

    public static func == (a: Self, b: Self) -> Bool { a.rfc2253 == b.rfc2253 }
    public func hash(into hasher: inout Hasher) { hasher.combine(rfc2253) }

    init(_ name: OpaquePointer) {
        var attributes: [(String, String)] = []
        let count = min(X509_NAME_entry_count(name), 64)
        for index in 0..<max(count, 0) {
            guard let entry = X509_NAME_get_entry(name, index) else { continue }
            let nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry))
            let short = nid == NID_undef ? "?" : String(cString: OBJ_nid2sn(nid))
            attributes.append((short, utf8String(of: X509_NAME_ENTRY_get_data(entry)) ?? ""))
        }
        self.attributes = attributes
        if let bio = try? MemoryBIO(), X509_NAME_print_ex(bio.handle, name, 0, lt_name_print_flags()) >= 0 {
            rfc2253 = bio.string
        } else {
            rfc2253 = attributes.reversed().map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        }
    }
}
