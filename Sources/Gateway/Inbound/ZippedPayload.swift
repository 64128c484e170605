import EdXML
import LibZlib

/// The file inside an attachment one widespread sender library zips (EDXML.md): a ZIP archive of
/// exactly one entry, stored or deflated. Anything else (several entries, ZIP64, encryption, a
/// CRC that does not match) is not unzipped: the caller hands the archive over as it came.
enum ZippedPayload {
    struct Entry: Equatable {
        var name: String
        var bytes: [UInt8]
    }

    static func unzip(_ archive: [UInt8], limit: Int) -> Entry? {
        guard archive.starts(with: PayloadFacts.zipMagic), archive.count >= 30 else { return nil }
        let flags = archive.uint16(at: 6), method = archive.uint16(at: 8)
        let nameLength = Int(archive.uint16(at: 26)), extraLength = Int(archive.uint16(at: 28))
        guard flags & 0x1 == 0, singleEntry(archive) else { return nil }
        let dataStart = 30 + nameLength + extraLength
        guard dataStart <= archive.count else { return nil }
        let name = String(decoding: archive[30..<(30 + nameLength)], as: UTF8.self)
        // With a data descriptor (flag bit 3) the sizes and CRC follow the data; the central directory repeats them.
        let facts = flags & 0x8 == 0 ? (crc: archive.uint32(at: 14), size: Int(archive.uint32(at: 18)))
                                     : centralFacts(archive)
        guard let facts else { return nil }
        let bytes: [UInt8]
        switch method {
        case 0:
            guard dataStart + facts.size <= archive.count, facts.size <= limit else { return nil }
            bytes = Array(archive[dataStart..<(dataStart + facts.size)])
        case 8:
            guard let inflated = try? RawInflate.inflate(Array(archive[dataStart...]), limit: limit) else { return nil }
            bytes = inflated
        default:
            return nil
        }
        guard RawInflate.crc32(bytes) == facts.crc else { return nil }
        return Entry(name: name.split(separator: "/").last.map(String.init) ?? name, bytes: bytes)
    }

    /// The end-of-central-directory record, searched from the end (it may be followed by a comment).
    private static func endOfCentralDirectory(_ archive: [UInt8]) -> Int? {
        guard archive.count >= 22 else { return nil }
        let lowest = max(0, archive.count - 22 - 0xFFFF)
        var offset = archive.count - 22
        while offset >= lowest {
            if archive.uint32(at: offset) == 0x0605_4B50 { return offset }
            offset -= 1
        }
        return nil
    }

    private static func singleEntry(_ archive: [UInt8]) -> Bool {
        guard let end = endOfCentralDirectory(archive) else { return true }   // a bare local entry
        return archive.uint16(at: end + 10) == 1
    }

    private static func centralFacts(_ archive: [UInt8]) -> (crc: UInt32, size: Int)? {
        guard let end = endOfCentralDirectory(archive) else { return nil }
        let start = Int(archive.uint32(at: end + 16))
        guard start + 46 <= archive.count, archive.uint32(at: start) == 0x0201_4B50 else { return nil }
        return (archive.uint32(at: start + 16), Int(archive.uint32(at: start + 24)))
    }
}

private extension [UInt8] {
    func uint16(at offset: Int) -> UInt16 {
        guard offset + 2 <= count else { return 0 }
        return UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func uint32(at offset: Int) -> UInt32 {
        guard offset + 4 <= count else { return 0 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * UInt32($1)) }
    }
}
