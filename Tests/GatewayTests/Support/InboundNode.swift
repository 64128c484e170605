import EdXML
import Foundation
import Gateway
import LibCrypto
import Logging
import Store
import TestSupport
import XMLDSig

/// The development PKIs the inbound tests sign with: one our gateway trusts, one it does not.
enum InboundPKI {
    static let trusted = Result { try DevelopmentPKI.generate(organIds: ["000.00.00.G22", "000.00.00.H41"]) }
    static let stranger = Result { try DevelopmentPKI.generate(organIds: ["000.00.00.H41"]) }

    static func party(_ pki: DevelopmentPKI, _ organId: String) throws -> DevelopmentPKI.Party {
        guard let party = pki.organizations.first(where: { $0.name == "org-\(organId)" }) else {
            throw Refusal("test.no_party", "the development PKI has no signer for \(organId)")
        }
        return party
    }

    static func signer(_ pki: DevelopmentPKI, _ organId: String) throws -> EnvelopeSigner {
        let party = try party(pki, organId)
        return try EnvelopeSigner(identity: SigningIdentity(key: party.key, certificate: party.certificate))
    }
}

/// A gateway node for 000.00.00.G22 and 000.00.00.G23, loaded by `GatewayParts.load` from a real
/// configuration file in a temporary directory: its own store, the trusted PKI's G22 key, the
/// PKI's root as trust anchor. Units: `office` (G22, with a webhook) and `annex` (G23).
struct InboundNode {
    static let officeToken = "office-token-1"
    static let annexToken = "annex-token-2"
    static let sender = "000.00.00.H41"

    let directory: TemporaryDirectory
    let parts: GatewayParts
    let services: GatewayServices

    var store: SQLiteStore { parts.store }
    var pipeline: InboundPipeline { InboundPipeline(parts: parts, logger: Self.logger) }

    static var logger: Logger {
        var logger = Logger(label: "inbound-test")
        logger.logLevel = .critical
        return logger
    }

    init(policy: String = "require", organIds: [String] = ["000.00.00.G22", "000.00.00.G23"],
         unitOrganIds: (office: [String], annex: [String]) = (["000.00.00.G22"], ["000.00.00.G23"]),
         busURL: String = "http://127.0.0.1:9/vdxp", busExtra: String = "") throws {
        directory = try TemporaryDirectory(prefix: "lienthong-inbound")
        var text = Self.configuration(policy: policy, organIds: organIds, unitOrganIds: unitOrganIds)
        text.busURL = busURL
        text.busExtra = busExtra
        let file = try Self.write(text, in: directory)
        let configuration = try GatewayConfiguration.load(contentsOf: file)
        parts = try GatewayParts.load(configuration, environment: [:])
        services = try GatewayAssembly.services(for: parts, logger: Self.logger)
    }

    /// The node's configuration: signing with the trusted PKI's G22 key, its root as anchor, two units.
    static func configuration(policy: String = "require", organIds: [String] = ["000.00.00.G22", "000.00.00.G23"],
                              unitOrganIds: (office: [String], annex: [String]) = (["000.00.00.G22"], ["000.00.00.G23"])) -> ConfigurationText {
        var text = ConfigurationText()
        text.organIds = organIds
        text.signing = "key_file = \"pki/org-000.00.00.G22.key\"\ncertificate_file = \"pki/org-000.00.00.G22.pem\""
        text.signaturePolicy = policy
        text.extra = """
        [trust]
        anchors = ["pki/trust.pem"]
        crls = ["pki/crl.pem"]

        [[units]]
        name = "office"
        token_sha256 = "\(UnitAuthenticator.tokenHashHex(Self.officeToken))"
        organ_ids = [\(unitOrganIds.office.map { "\"\($0)\"" }.joined(separator: ", "))]
        webhook_url = "http://127.0.0.1:9/hook"

        [[units]]
        name = "annex"
        token_sha256 = "\(UnitAuthenticator.tokenHashHex(Self.annexToken))"
        organ_ids = [\(unitOrganIds.annex.map { "\"\($0)\"" }.joined(separator: ", "))]

        """
        return text
    }

    /// Writes the trusted PKI under `pki/` and the configuration as `gateway.toml`; returns its URL.
    static func write(_ text: ConfigurationText, in directory: TemporaryDirectory) throws -> URL {
        try InboundPKI.trusted.get().write(to: directory.file("pki"))
        let file = directory.file("gateway.toml")
        try text.write(to: file)
        return file
    }

    func remove() { directory.remove() }

    /// A document from `from` to `to`, written as the national shape, signed by `signer` when given.
    func envelope(from: String = InboundNode.sender, to: [String] = ["000.00.00.G22"], number: String = "12",
                  subject: String = "V/v thử nghiệm liên thông", business: String? = nil,
                  attachments: [(name: String, bytes: [UInt8])] = [], signer: EnvelopeSigner?) throws -> [UInt8] {
        var files: [String] = []
        for (index, attachment) in attachments.enumerated() {
            let url = directory.file("attachment-\(index)-\(attachment.name)")
            try Data(attachment.bytes).write(to: url)
            files.append(#"{"file": "\#(url.path)", "name": "\#(attachment.name)"}"#)
        }
        let json = """
        {"from": {"organId": "\(from)", "organName": "UBND Tỉnh Nghệ An"},
         "to": [\(to.map { #"{"organId": "\#($0)"}"# }.joined(separator: ", "))],
         "code": {"number": "\(number)", "notation": "UBND-VP"},
         "promulgation": {"place": "Vinh", "date": "2026/11/20"},
         "type": {"type": 1, "name": "Công văn"},
         "subject": "\(subject)"\(business.map { ", \"business\": \($0)" } ?? "")\(files.isEmpty ? "" : ", \"attachments\": [\(files.joined(separator: ", "))]")}
        """
        let document = try DocumentBuilder().build(try DocumentBuilder.decode(json: Data(json.utf8)))
        let bytes = Array(try EdXMLWriter().data(for: .document(document)))
        return try signer?.sign(bytes) ?? bytes
    }

    /// A status message from `from` about `documentId` (sent by `owner`), signed by `signer` when given.
    func statusEnvelope(code: StatusCode, from: String = InboundNode.sender, about documentId: String, owner: String,
                        description: String? = nil, signer: EnvelopeSigner?) throws -> [UInt8] {
        let sender = StatusSender(store: store, signer: signer, signal: nil)
        return try sender.envelope(for: StatusSender.Status(code: code, description: description, from: OrganId(from),
                                                            to: OrganId(owner), about: ResponseFor(organId: OrganId(owner), documentId: documentId)))
    }

    /// Queues a document of ours (from G22) to `recipients`, as the unit API would have, so
    /// statuses about it have a document to be checked against.
    func sent(_ documentID: String, to recipients: [String]) async throws {
        _ = try await store.enqueue(OutboundSubmission(documentID: documentID, from: "000.00.00.G22", to: recipients,
                                                       envelope: Data("<edXML/>".utf8)))
    }

    /// Outbound messages of one kind, oldest first.
    func queued(kind: String) async throws -> [OutboundMessage] {
        try await store.list(MessageFilter(limit: 500)).filter { $0.kind == kind }.sorted { $0.id < $1.id }
    }

    /// The statuses queued back, read from their envelopes.
    func queuedStatuses() async throws -> [(message: OutboundMessage, status: StatusMessage, envelope: [UInt8])] {
        var result: [(OutboundMessage, StatusMessage, [UInt8])] = []
        for message in try await queued(kind: "status") {
            let bytes = try await store.envelope(ofMessage: message.id)
            guard let status = try EdXMLReader().read(bytes).message.status else { continue }
            result.append((message, status, Array(bytes)))
        }
        return result
    }

    func verifier() throws -> SignatureVerifier {
        let pki = try InboundPKI.trusted.get()
        return SignatureVerifier(trust: try TrustStore(anchors: [pki.root.certificate], crls: [pki.crl]))
    }
}
