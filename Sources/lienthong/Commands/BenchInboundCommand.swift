import ArgumentParser
import EdXML
import Foundation
import Gateway
import LibCrypto
import Logging
import Store
import XMLDSig

/// `lienthong bench inbound`: signed documents per second through the whole inbound pipeline
/// (parse, validate, verify and bind, duplicate check, durable inbox, a signed 01 durably queued),
/// beside its two costly parts measured alone in the same run: verification, and a durable
/// receive into the store.
struct BenchInboundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbound",
        abstract: "Inbound documents/s through the pipeline with 1 and 8 concurrent deliveries, beside verify alone and a durable receive alone."
    )

    @Option(help: "Documents per figure.")
    var documents = 400
    @Option(help: "Bytes of the attachment each document carries (0 for none).")
    var attachmentBytes = 4096
    @Option(help: ArgumentHelp("Where to build the node (default: a temporary directory, removed after).", valueName: "DIR"))
    var directory: String?

    func validate() throws {
        guard documents > 0 else { throw ValidationError("--documents must be at least 1") }
    }

    func run() async throws {
        let root = directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-inbound-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(at: root) } }

        let pki = try DevelopmentPKI.generate(organIds: ["000.00.00.G22", "000.00.00.H41"])
        try pki.write(to: root.appendingPathComponent("pki"))
        let file = root.appendingPathComponent("gateway.toml")
        try Data(Self.nodeConfiguration.utf8).write(to: file)
        let parts = try GatewayParts.load(try GatewayConfiguration.load(contentsOf: file), environment: [:])
        let pipeline = InboundPipeline(parts: parts, logger: .init(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        guard let party = pki.organizations.first(where: { $0.name == "org-000.00.00.H41" }) else { return }
        let sender = try EnvelopeSigner(identity: SigningIdentity(key: party.key, certificate: party.certificate))
        let attachment = root.appendingPathComponent("attachment.pdf")
        try Data((0..<attachmentBytes).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: attachment)

        func envelopes(_ range: Range<Int>) throws -> [[UInt8]] {
            try range.map { number in try sender.sign(try Self.envelope(number: number, attachment: attachmentBytes > 0 ? attachment : nil)) }
        }
        let sample = try envelopes(0..<1)[0]
        print("envelope: \(sample.count) bytes (attachment \(attachmentBytes) bytes), RSA-2048 rsa-sha256, chain root → signer with its CRL; store synchronous=FULL, blobs fsynced")

        let verifier = SignatureVerifier(trust: try TrustStore(anchors: [pki.root.certificate], crls: [pki.crl]))
        let verifyStart = ContinuousClock.now
        for _ in 0..<documents where !verifier.verify(sample).isValid {
            throw CommandFailure.internalError("bench.invalid", "the benchmark's own signature did not verify")
        }
        print("reference: verify alone (parse, c14n, digest, RSA verify, chain cached), one task: \(Self.rate(documents, since: verifyStart))/s")

        let receiveStart = ContinuousClock.now
        for index in 0..<documents {
            _ = try await parts.store.receive(InboundSubmission(messageKey: "bench|\(index)", documentID: "bench-\(index)",
                                                                from: "000.00.00.H41", to: "000.00.00.G22", envelope: Data(sample)))
        }
        print("reference: durable receive alone (blob fsynced, row committed), one task: \(Self.rate(documents, since: receiveStart))/s")

        let statusStart = ContinuousClock.now
        for index in 0..<documents {
            _ = try await parts.statusSender.send(StatusSender.Status(
                code: .arrived, from: "000.00.00.G22", to: "000.00.00.H41",
                about: ResponseFor(organId: "000.00.00.H41", documentId: "bench-\(index)")), idempotencyKey: "bench-01-\(index)")
        }
        print("reference: a status 01 alone (built, signed, durably queued), one task: \(Self.rate(documents, since: statusStart))/s")

        var next = 1
        for concurrency in [1, 8] {
            let batch = try envelopes(next..<(next + documents))
            next += documents
            let start = ContinuousClock.now
            let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        var count = 0
                        for index in stride(from: lane, to: batch.count, by: concurrency) {
                            if case .accepted = try await pipeline.process(batch[index], source: .push) { count += 1 }
                        }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            guard accepted == documents else {
                throw CommandFailure.internalError("bench.refused", "\(documents - accepted) benchmark documents were not accepted")
            }
            print("pipeline, \(concurrency) concurrent deliveries (each: verify, store, sign and queue its 01): \(Self.rate(documents, since: start))/s")
        }
    }

    static func rate(_ count: Int, since start: ContinuousClock.Instant) -> Int {
        Int(Double(count) / (ContinuousClock.now - start).inSeconds)
    }

    static func envelope(number: Int, attachment: URL?) throws -> [UInt8] {
        let files = attachment.map { #", "attachments": [{"file": "\#($0.path)", "name": "van-ban.pdf"}]"# } ?? ""
        let json = """
        {"from": {"organId": "000.00.00.H41"}, "to": [{"organId": "000.00.00.G22"}],
         "code": {"number": "\(number)", "notation": "BENCH"}, "promulgation": {"place": "Vinh", "date": "2026/11/20"},
         "type": {"type": 1, "name": "Công văn"}, "subject": "Văn bản đo tốc độ số \(number)"\(files)}
        """
        let document = try DocumentBuilder().build(try DocumentBuilder.decode(json: Data(json.utf8)))
        return Array(try EdXMLWriter().data(for: .document(document)))
    }

    static let nodeConfiguration = """
    [gateway]
    organ_ids = ["000.00.00.G22"]

    [signing]
    key_file = "pki/org-000.00.00.G22.key"
    certificate_file = "pki/org-000.00.00.G22.pem"

    [trust]
    anchors = ["pki/trust.pem"]
    crls = ["pki/crl.pem"]

    [signature]
    policy = "require"

    [bus]
    url = "http://127.0.0.1:9/vdxp"
    delivery = "poll"

    [store]
    directory = "store"

    [listeners.unit_api]
    address = "127.0.0.1"
    port = 8080
    """
}
