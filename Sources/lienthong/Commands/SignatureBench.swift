import ArgumentParser
import EdXML
import Foundation
import Spawn
import LibCrypto
import LibXML
import XMLDSig

/// `lienthong bench sign`: the signing pipeline on one core beside OpenSSL's raw RSA-2048 signing,
/// and a 10 MB envelope beside the `xmlsec1` command on the same file.
struct BenchSignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign", abstract: "Measure envelope signing (small and 10 MB).")

    @OptionGroup var options: SignatureBenchOptions

    func run() async throws {
        let setup = try SignatureBenchSetup(options: options)
        print("small envelope: \(setup.small.count) bytes, RSA-2048, rsa-sha256 + exc-c14n, one core, \(options.seconds) s per figure (ours and raw interleaved in 20 rounds)")
        let digest = SHA256.hash(setup.small)
        let (ours, raw) = try Measure.interleaved(seconds: 2 * options.seconds,
                                                  { _ = try setup.signer.sign(setup.small) },
                                                  { _ = try setup.pki.organizations[0].key.sign(digest: digest, algorithm: .sha256) })
        print("  lienthong sign (parse, c14n, digest, sign, serialise): \(Measure.format(ours)) /s")
        print("  raw RSA-2048 sign, same key, through OpenSSL EVP:      \(Measure.format(raw)) /s")
        print("  ratio: \(String(format: "%.1f", 100 * ours / raw)) % of the raw signing rate")
        // What the gateway does with a unit's document: write it from the model and sign it, the
        // digest taken from the canonical form the writer streams out, against writing it and then
        // signing the bytes the long way.
        let payloads = MemoryPayloadStore()
        let message = try EdXMLReader(payloads: payloads).read(Data(setup.small)).message
        let writer = EdXMLWriter(payloads: payloads)
        let (onePass, longWay) = try Measure.interleaved(seconds: 2 * options.seconds,
                                                         { _ = try setup.signer.signedEnvelope(message, writer: writer) },
                                                         { _ = try setup.signer.sign(try writer.data(for: message)) })
        print("  from the model, written and signed in one pass (the gateway's way): \(Measure.format(onePass)) /s")
        print("  from the model, written, then parsed back and signed:             \(Measure.format(longWay)) /s")
        if let speed = OpenSSLSpeed.rsa2048(seconds: max(1, Int(options.seconds))) {
            print("  openssl speed -seconds \(max(1, Int(options.seconds))) rsa2048: \(Measure.format(speed.sign)) sign/s")
        }
        if options.stages {
            let seconds = options.seconds / 4
            let document = try XMLDocument(parsing: setup.small)
            let parse = try Measure.rate(seconds: seconds) { _ = try XMLDocument(parsing: setup.small) }
            let c14n = try Measure.rate(seconds: seconds) {
                let digest = Digest(.sha256)
                try document.canonicalize(method: .exclusive) { digest.update(raw: $0) }
                _ = digest.finish()
            }
            let serialize = try Measure.rate(seconds: seconds) { _ = document.serialized() }
            let costs = [("parse", parse), ("c14n+SHA-256 document", c14n), ("serialise", serialize), ("raw sign", raw)]
            print("  stages (µs each): " + costs.map { "\($0.0) \(String(format: "%.1f", 1e6 / $0.1))" }.joined(separator: ", "))
            print("  whole sign (µs): \(String(format: "%.1f", 1e6 / ours))")
        }
        try setup.compareLarge(signing: true)
    }
}

/// `lienthong bench verify`: verification (chain cached and not) on one core, and a 10 MB envelope
/// beside `xmlsec1 --verify` on the same file.
struct BenchVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Measure envelope verification (small and 10 MB).")

    @OptionGroup var options: SignatureBenchOptions

    func run() async throws {
        let setup = try SignatureBenchSetup(options: options)
        let signed = try setup.signer.sign(setup.small)
        guard setup.verifier(cache: nil).verify(signed).isValid else {
            throw CommandFailure.internalError("bench.invalid", "the benchmark's own signature did not verify")
        }
        print("small envelope: \(signed.count) bytes signed, RSA-2048, chain root → signer with CRL checks, one core, \(options.seconds) s per figure")
        let cached = setup.verifier(cache: ChainCache())
        let withCache = try Measure.rate(seconds: options.seconds) {
            guard cached.verify(signed).isValid else { throw CommandFailure.internalError("bench.invalid", "verification failed") }
        }
        if options.stages {
            let document = try XMLDocument(parsing: signed)
            let root = document.root!
            let signatureElement = root.descendants(named: "Signature")[0]
            let signedInfo = signatureElement.child(named: "SignedInfo")!
            let seconds = options.seconds / 4
            let parse = try Measure.rate(seconds: seconds) { _ = try XMLDocument(parsing: signed) }
            let c14nInfo = try Measure.rate(seconds: seconds) { _ = try document.canonicalized(subtree: signedInfo, method: .exclusive) }
            let c14nDoc = try Measure.rate(seconds: seconds) {
                let digest = Digest(.sha256)
                try document.canonicalize(excluding: signatureElement, method: .exclusive) { digest.update(raw: $0) }
                _ = digest.finish()
            }
            let certificateText = signatureElement.child(named: "KeyInfo")!.child(named: "X509Data")!.child(named: "X509Certificate")!
            let texts = try Measure.rate(seconds: seconds) { _ = certificateText.textBytes; _ = signatureElement.child(named: "SignatureValue")!.text }
            let walk = try Measure.rate(seconds: seconds) { _ = root.countDescendants(named: "edXMLHeader"); _ = root.descendants(named: "Signature") }
            let costs = [("parse", parse), ("c14n SignedInfo", c14nInfo), ("c14n+SHA-256 document", c14nDoc), ("texts", texts), ("walks", walk)]
            print("  stages (µs each): " + costs.map { "\($0.0) \(String(format: "%.1f", 1e6 / $0.1))" }.joined(separator: ", "))
            print("  whole verify (µs): \(String(format: "%.1f", 1e6 / withCache))")
        }
        if options.profileCached {
            print("  lienthong verify, chain cache on:  \(Measure.format(withCache)) /s (profiling run: other figures skipped)")
            return
        }
        let uncached = setup.verifier(cache: nil)
        let withoutCache = try Measure.rate(seconds: options.seconds) {
            guard uncached.verify(signed).isValid else { throw CommandFailure.internalError("bench.invalid", "verification failed") }
        }
        let key = try setup.pki.organizations[0].certificate.publicKey
        let digest = SHA256.hash(setup.small)
        let signature = try setup.pki.organizations[0].key.sign(digest: digest, algorithm: .sha256)
        let raw = try Measure.rate(seconds: options.seconds) { _ = try key.verify(signature: signature, digest: digest, algorithm: .sha256) }
        print("  lienthong verify, chain cache on:  \(Measure.format(withCache)) /s")
        print("  lienthong verify, chain cache off: \(Measure.format(withoutCache)) /s")
        print("  raw RSA-2048 verify through OpenSSL EVP: \(Measure.format(raw)) /s")
        if let speed = OpenSSLSpeed.rsa2048(seconds: max(1, Int(options.seconds))) {
            print("  openssl speed -seconds \(max(1, Int(options.seconds))) rsa2048: \(Measure.format(speed.verify)) verify/s")
        }
        try setup.compareLarge(signing: false)
    }
}

struct SignatureBenchOptions: ParsableArguments {
    @Option(help: "Seconds to run each small-envelope figure.")
    var seconds: Double = 3

    @Option(help: "Size of the large envelope in bytes.")
    var largeBytes: Int = 10 << 20

    @Option(help: "Times to repeat each large-envelope figure (the best is reported).")
    var largeRuns: Int = 3

    @Flag(help: .hidden)
    var profileCached = false

    @Flag(help: "Also time the stages of the large envelope (parse, canonicalise + digest).")
    var stages = false
}

/// A development PKI and envelopes made in memory for the benchmarks.
struct SignatureBenchSetup {
    let options: SignatureBenchOptions
    let pki: DevelopmentPKI
    let trust: TrustStore
    let signer: EnvelopeSigner
    let small: [UInt8]

    init(options: SignatureBenchOptions) throws {
        self.options = options
        pki = try DevelopmentPKI.generate(organIds: ["000.00.00.G22"])
        trust = try TrustStore(anchors: [pki.root.certificate], crls: [pki.crl])
        let party = pki.organizations[0]
        signer = try EnvelopeSigner(identity: try SigningIdentity(key: party.key, certificate: party.certificate))
        small = BenchEnvelope.make(attachmentBytes: 1_200)
    }

    func verifier(cache: ChainCache?) -> SignatureVerifier {
        SignatureVerifier(trust: trust, cache: cache)
    }

    /// Our time on the large envelope beside the xmlsec1 command on the same file (process start included).
    func compareLarge(signing: Bool) throws {
        let unsigned = BenchEnvelope.make(attachmentBytes: options.largeBytes * 3 / 4)
        let signed = try signer.sign(unsigned)
        print("large envelope: \(signed.count) bytes (attachment \(options.largeBytes * 3 / 4) bytes before base64), best of \(options.largeRuns)")
        let runs = max(1, min(options.largeRuns, 20))
        let ours = try Measure.best(runs: runs) {
            if signing {
                _ = try signer.sign(unsigned)
            } else {
                let verdict = verifier(cache: nil).verify(signed)
                guard verdict.isValid else { throw CommandFailure.internalError("bench.invalid", verdict.summary) }
            }
        }
        print("  lienthong \(signing ? "sign" : "verify") in process: \(String(format: "%.3f", ours)) s")
        if options.stages {
            let parse = try Measure.best(runs: runs) { _ = try XMLDocument(parsing: signed) }
            let document = try XMLDocument(parsing: signed)
            let c14n = try Measure.best(runs: runs) {
                let digest = Digest(.sha256)
                try document.canonicalize(method: .exclusive) { digest.update(raw: $0) }
                _ = digest.finish()
            }
            let sha = try Measure.best(runs: runs) { _ = SHA256.hash(signed) }
            print("  stages: parse \(String(format: "%.3f", parse)) s, exc-c14n + SHA-256 \(String(format: "%.3f", c14n)) s, SHA-256 alone \(String(format: "%.3f", sha)) s")
        }
        guard let xmlsec = XmlsecCommand.find() else {
            print("  xmlsec1 not installed: no reference figure")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let party = pki.organizations[0]
        try Data(try party.key.pkcs8PEM().utf8).write(to: directory.appendingPathComponent("key.pem"))
        try Data(party.certificate.pem.utf8).write(to: directory.appendingPathComponent("cert.pem"))
        try Data(pki.root.certificate.pem.utf8).write(to: directory.appendingPathComponent("root.pem"))
        try Data(signed).write(to: directory.appendingPathComponent("signed.xml"))
        let template = BenchEnvelope.withTemplate(unsigned)
        try Data(template).write(to: directory.appendingPathComponent("template.xml"))
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        let arguments = signing
            ? ["--sign", "--privkey-pem", "\(path("key.pem")),\(path("cert.pem"))", "--output", path("out.xml"), path("template.xml")]
            : ["--verify", "--trusted-pem", path("root.pem"), "--enabled-reference-uris", "empty", path("signed.xml")]
        // Our command does the same work, process start-up included, like xmlsec1's figure. The two
        // run alternately; wall time suffers from other processes on the machine, CPU time less.
        let ourArguments = signing
            ? ["sign", "--key", path("key.pem"), "--cert", path("cert.pem"), path("unsigned.xml"), "-o", path("ours.xml")]
            : ["verify", "--trust", path("root.pem"), path("signed.xml")]
        try Data(unsigned).write(to: directory.appendingPathComponent("unsigned.xml"))
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var theirs = CommandTime.worst, ourCommand = CommandTime.worst
        for _ in 0..<runs {
            theirs = theirs.best(with: try CommandTime.measure(xmlsec, arguments))
            ourCommand = ourCommand.best(with: try CommandTime.measure(binary, ourArguments))
        }
        let xmlsecName = "xmlsec1 \(signing ? "--sign" : "--verify")"
        print("  \(xmlsecName) command on the same file: \(theirs)")
        print("  lienthong \(ourArguments[0]) command on the same file: \(ourCommand)")
        print("  lienthong/xmlsec1: wall \(String(format: "%.0f", 100 * ourCommand.wall / theirs.wall)) %, CPU \(String(format: "%.0f", 100 * ourCommand.cpu / theirs.cpu)) %; in process (no start-up) \(String(format: "%.0f", 100 * ours / theirs.wall)) % of xmlsec1's wall time")
    }
}

/// Wall and CPU (user + system) time of one command run to its end, the best of several.
struct CommandTime: CustomStringConvertible {
    var wall: Double
    var cpu: Double

    static let worst = CommandTime(wall: .infinity, cpu: .infinity)

    func best(with other: CommandTime) -> CommandTime { CommandTime(wall: min(wall, other.wall), cpu: min(cpu, other.cpu)) }

    var description: String { String(format: "%.3f s wall, %.3f s CPU", wall, cpu) }

    static func measure(_ executable: URL, _ arguments: [String]) throws -> CommandTime {
        let before = ProcessCPU.seconds(.children)
        let start = DispatchTime.now().uptimeNanoseconds
        guard try XmlsecCommand.run(executable, arguments) else {
            throw CommandFailure.internalError("bench.command", "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) failed")
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return CommandTime(wall: wall, cpu: ProcessCPU.seconds(.children) - before)
    }

}

/// Envelopes of a chosen size, shaped like real traffic (header fields in Vietnamese, one attachment).
enum BenchEnvelope {
    static func make(attachmentBytes: Int) -> [UInt8] {
        var generator: UInt64 = 0x9E3779B97F4A7C15
        var payload = [UInt8](repeating: 0, count: attachmentBytes)
        for index in payload.indices {
            generator = generator &* 6364136223846793005 &+ 1442695040888963407
            payload[index] = UInt8(truncatingIfNeeded: generator >> 33)
        }
        let header = """
            <?xml version="1.0" encoding="UTF-8"?>
            <edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
              <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
                <edXML:edXMLHeader>
                  <edXML:MessageHeader>
                    <edXML:From><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName><edXML:OrganAdd>Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội</edXML:OrganAdd><edXML:Email>vpcp@chinhphu.vn</edXML:Email></edXML:From>
                    <edXML:To><edXML:OrganId>000.00.00.H41</edXML:OrganId><edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName></edXML:To>
                    <edXML:DocumentId>000.00.00.G22,2025/10/01,7816/VPCP-TTĐT</edXML:DocumentId>
                    <edXML:Code><edXML:CodeNumber>7816</edXML:CodeNumber><edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation></edXML:Code>
                    <edXML:PromulgationInfo><edXML:Place>Hà Nội</edXML:Place><edXML:PromulgationDate>2025/10/01</edXML:PromulgationDate></edXML:PromulgationInfo>
                    <edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType>
                    <edXML:Subject>Về việc triển khai trục liên thông văn bản quốc gia</edXML:Subject>
                    <edXML:Content>Văn phòng Chính phủ đề nghị các bộ, ngành, địa phương kết nối hệ thống quản lý văn bản với trục liên thông.</edXML:Content>
                    <edXML:SignerInfo><edXML:Competence>KT. BỘ TRƯỞNG, CHỦ NHIỆM</edXML:Competence><edXML:Position>Phó Chủ nhiệm</edXML:Position><edXML:FullName>Nguyễn Văn A</edXML:FullName></edXML:SignerInfo>
                    <edXML:OtherInfo><edXML:Priority>0</edXML:Priority><edXML:SphereOfPromulgation>Liên thông</edXML:SphereOfPromulgation><edXML:PageAmount>2</edXML:PageAmount></edXML:OtherInfo>
                  </edXML:MessageHeader>
                  <edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Timestamp>2025/10/01 08:00:00</edXML:Timestamp></edXML:TraceHeader></edXML:TraceHeaderList>
                </edXML:edXMLHeader>
                <edXML:edXMLBody><edXML:edXMLManifest version="1.0"><edXML:Reference><edXML:ContentId>cid:1</edXML:ContentId><edXML:ContentType>application/pdf</edXML:ContentType><edXML:AttachmentName>congvan.pdf</edXML:AttachmentName></edXML:Reference></edXML:edXMLManifest></edXML:edXMLBody>
              </edXML:edXMLEnvelope>
              <AttachmentEncoded><Attachment><ContentId>cid:1</ContentId><AttachmentName>congvan.pdf</AttachmentName><ContentType>application/pdf</ContentType><edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
            """
        return Array(header.utf8) + Array(Base64.encode(payload, lineLength: 76).utf8)
            + Array("</edXML:ContentTransferEncoded></Attachment></AttachmentEncoded>\n</edXML>\n".utf8)
    }

    /// The envelope with an empty signature template after TraceHeaderList, for `xmlsec1 --sign`.
    static func withTemplate(_ envelope: [UInt8]) -> [UInt8] {
        let marker = Array("</edXML:TraceHeaderList>".utf8)
        guard let index = envelope.indices.first(where: { envelope[$0...].starts(with: marker) }) else { return envelope }
        let template = """
            <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>
            """
        let end = index + marker.count
        return Array(envelope[..<end]) + Array(template.utf8) + Array(envelope[end...])
    }
}

enum Measure {
    /// Operations per second of `body`, run for about `seconds` (and at most ten million times).
    static func rate(seconds: Double, _ body: () throws -> Void) throws -> Double {
        try body()   // warm-up: caches, lazy initialisation
        let start = DispatchTime.now().uptimeNanoseconds
        let limit = start + UInt64(seconds * 1e9)
        var count = 0
        var now = start
        while now < limit && count < 10_000_000 {
            try body()
            count += 1
            now = DispatchTime.now().uptimeNanoseconds
        }
        return Double(count) / (Double(now - start) / 1e9)
    }

    /// The rates of `a` and `b` measured in alternating bursts (20 rounds over `seconds`), so a
    /// machine whose load changes during the run affects both alike.
    static func interleaved(seconds: Double, _ a: () throws -> Void, _ b: () throws -> Void) throws -> (Double, Double) {
        try a(); try b()
        var counts = (0, 0)
        var elapsed: (UInt64, UInt64) = (0, 0)
        let burst = UInt64(seconds / 40 * 1e9)
        for _ in 0..<20 {
            for which in 0..<2 {
                let start = DispatchTime.now().uptimeNanoseconds
                var now = start
                var count = 0
                while now - start < burst && count < 1_000_000 {
                    try which == 0 ? a() : b()
                    count += 1
                    now = DispatchTime.now().uptimeNanoseconds
                }
                if which == 0 { counts.0 += count; elapsed.0 += now - start } else { counts.1 += count; elapsed.1 += now - start }
            }
        }
        return (Double(counts.0) / (Double(elapsed.0) / 1e9), Double(counts.1) / (Double(elapsed.1) / 1e9))
    }

    /// The shortest of `runs` timings of `body`, in seconds.
    static func best(runs: Int, _ body: () throws -> Void) throws -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    static func format(_ rate: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: rate)) ?? String(Int(rate))
    }
}

/// `openssl speed rsa2048`, run in the same benchmark as the reference the issue names.
enum OpenSSLSpeed {
    static func rsa2048(seconds: Int) -> (sign: Double, verify: Double)? {
        guard let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
              // ChildProcess starts it with every signal unblocked: it times itself with SIGALRM.
              let run = try? ChildProcess.run(openssl, ["speed", "-seconds", String(seconds), "-mr", "rsa2048"],
                                              timeout: .seconds(seconds * 20 + 30)),
              !run.timedOut else { return nil }
        let output = String(decoding: run.stdout, as: UTF8.self)
        // Machine-readable result line: +F2:<index>:<bits>:<signs per s>:<verifies per s>
        for line in output.split(separator: "\n") where line.hasPrefix("+F2:") {
            let fields = line.split(separator: ":")
            if fields.count >= 5, let sign = Double(fields[3]), let verify = Double(fields[4]) { return (sign, verify) }
        }
        return nil
    }
}

/// Runs a command to its end with its output discarded (xmlsec1, or lienthong itself).
enum XmlsecCommand {
    static func find() -> URL? {
        ["/usr/bin/xmlsec1", "/usr/local/bin/xmlsec1"].map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func run(_ executable: URL, _ arguments: [String]) throws -> Bool {
        try ChildProcess(executable.path, arguments, stdout: .null, stderr: .null).waitUntilExit() == .exited(0)
    }
}
