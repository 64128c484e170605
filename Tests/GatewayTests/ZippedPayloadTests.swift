import Foundation
@testable import Gateway
import Testing

/// The ZIP one sender library wraps each attachment in: only a single, intact entry is unzipped;
/// anything else is handed over as it came, and hostile archives never crash.
@Suite("Zipped attachments")
struct ZippedPayloadTests {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    /// A stored (uncompressed) archive of `entries`, with its central directory.
    static func archive(_ entries: [(name: String, bytes: [UInt8])], crc: ((UInt32) -> UInt32)? = nil) -> [UInt8] {
        var body: [UInt8] = [], central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8), sum = crc.map { $0(crc32(entry.bytes)) } ?? crc32(entry.bytes)
            let offset = body.count
            let common = le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(sum) + le32(UInt32(entry.bytes.count))
                + le32(UInt32(entry.bytes.count)) + le16(name.count) + le16(0)
            body += [0x50, 0x4B, 0x03, 0x04] + common + name + entry.bytes
            central += [0x50, 0x4B, 0x01, 0x02] + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(UInt32(offset)) + name
        }
        let end: [UInt8] = [0x50, 0x4B, 0x05, 0x06] + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
            + le32(UInt32(central.count)) + le32(UInt32(body.count)) + le16(0)
        return body + central + end
    }

    let pdf = Array("%PDF-1.4 công văn số 12".utf8)

    @Test func aSingleStoredEntryIsUnzippedWithItsName() {
        let entry = ZippedPayload.unzip(Self.archive([("van-ban.pdf", pdf)]), limit: 1 << 20)
        #expect(entry == ZippedPayload.Entry(name: "van-ban.pdf", bytes: pdf))
    }

    @Test func aDamagedOrForeignArchiveIsHandedOverAsItCame() {
        #expect(ZippedPayload.unzip(Self.archive([("a.pdf", pdf)], crc: { $0 ^ 1 }), limit: 1 << 20) == nil, "CRC mismatch")
        #expect(ZippedPayload.unzip(Self.archive([("a.pdf", pdf), ("b.pdf", pdf)]), limit: 1 << 20) == nil, "two entries")
        #expect(ZippedPayload.unzip(Self.archive([("a.pdf", pdf)]), limit: 4) == nil, "over the limit")
        #expect(ZippedPayload.unzip(Array(pdf), limit: 1 << 20) == nil, "not a ZIP")
        let whole = Self.archive([("a.pdf", pdf)])
        // Cut inside the header or the file's bytes (a cut central directory leaves a whole, CRC-checked entry).
        for length in [4, 20, 30, 40, 30 + 5 + pdf.count - 1] {
            #expect(ZippedPayload.unzip(Array(whole.prefix(length)), limit: 1 << 20) == nil, "truncated to \(length)")
        }
        var deflatedGarbage = whole
        deflatedGarbage[8] = 8   // claims deflate over bytes that are not
        #expect(ZippedPayload.unzip(deflatedGarbage, limit: 1 << 20) == nil)
    }
}
