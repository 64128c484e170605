import ArgumentParser
import EdXML
import Foundation

/// `lienthong bench edxml`: read and write rates of the EdXML layer beside the rate of the
/// hardened libxml2 parse alone (the floor every read pays), measured in the same run.
struct BenchEdXMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edxml",
        abstract: "Measure reading and writing edXML beside the bare hardened parse of the same bytes.")

    @Argument(help: "An .edxml file to measure; a generated document with one attachment when omitted.")
    var file: String?

    @Option(help: "Size of the generated attachment, in KiB.")
    var attachmentKiB: Int = 1024

    @Option(help: "Repetitions of each measurement (1 to 10000).")
    var iterations: Int = 20

    func run() throws {
        guard (1...10_000).contains(iterations) else { throw ValidationError("--iterations must be 1 to 10000") }
        let bytes = try file.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? generated()
        let reader = EdXMLReader()
        let store = MemoryPayloadStore()
        let message = try EdXMLReader(payloads: store).read(bytes).message
        let writer = EdXMLWriter(payloads: store)

        let parse = try measure { _ = try reader.parse(bytes) }
        let read = try measure { _ = try reader.read(bytes) }
        let write = try measure { _ = try writer.data(for: message) }

        let megabytes = Double(bytes.count) / 1_048_576
        print("input: \(file ?? "generated document") (\(bytes.count) bytes), \(iterations) iterations, median of each")
        print(row("operation", "per message", "MB/s"))
        for (name, seconds) in [("hardened libxml2 parse (reference)", parse), ("EdXML read (parse + model + SHA-256)", read),
                                ("EdXML write (base64 + text)", write)] {
            print(row(name, String(format: "%.3f ms", seconds * 1000), String(format: "%.1f", megabytes / seconds)))
        }
    }

    private func row(_ a: String, _ b: String, _ c: String) -> String {
        a.padding(toLength: 40, withPad: " ", startingAt: 0) + b.padding(toLength: 14, withPad: " ", startingAt: 0) + c
    }

    /// Median wall time of `iterations` runs, after one warm-up run.
    private func measure(_ body: () throws -> Void) throws -> Double {
        try body()
        var samples: [Double] = []
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return samples.sorted()[samples.count / 2]
    }

    private func generated() throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SystemRandomNumberGenerator()
        let payload = Data((0..<attachmentKiB * 1024).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try payload.write(to: directory.appendingPathComponent("phu-luc.pdf"))
        let json = """
        {"from": {"organId": "000.00.00.H41", "organName": "UBND Tỉnh Nghệ An"},
         "to": [{"organId": "000.00.00.G22", "organName": "Văn phòng Chính phủ"}],
         "code": {"number": "7816", "notation": "UBND-VP"}, "type": {"type": 1, "name": "Công văn"},
         "subject": "V/v kết nối, liên thông phần mềm quản lý văn bản",
         "attachments": [{"file": "phu-luc.pdf"}]}
        """
        let document = try DocumentBuilder().build(try DocumentBuilder.decode(json: Data(json.utf8)), baseDirectory: directory)
        return try EdXMLWriter().data(for: .document(document))
    }
}
