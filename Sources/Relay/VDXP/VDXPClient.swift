import Foundation
import JSONText
import LibCrypto

/// A client of the national bus's VDXP call shape: parameters as headers, JSON replies,
/// optional HMAC headers. Every call throws `RelayFailure` (with its retry disposition) or
/// `CancellationError`; `deliver` turns a `sendEdoc` into a `TransferOutcome` for the retry policy.
public struct VDXPClient: Sendable {
    public let configuration: VDXPConfiguration
    private let transport: any HTTPTransport

    public init(transport: any HTTPTransport, configuration: VDXPConfiguration) {
        self.transport = transport
        self.configuration = configuration
    }

    /// Sends one .edxml (a document or a status message) to its recipients; returns the bus's `DocId`.
    public func sendEdoc(_ edxml: [UInt8], from: String, to recipients: [String],
                         messageType: VDXPMessageType = .edoc, fileName: String = "edoc.edxml") async throws -> String? {
        try await sendEdocReply(edxml, from: from, to: recipients, messageType: messageType, fileName: fileName).busDocId
    }

    private func sendEdocReply(_ edxml: [UInt8], sha256: String? = nil, from: String, to recipients: [String],
                               messageType: VDXPMessageType, fileName: String) async throws -> (busDocId: String?, httpStatus: Int) {
        let headers = [
            HTTPField("from", from),
            HTTPField("to", OrderedJSON.array(recipients)),
            HTTPField("servicetype", "eDoc"),
            HTTPField("messagetype", messageType.rawValue),
            HTTPField("hash-file", sha256 ?? SHA256Hasher.hexDigest(edxml)),
        ]
        let body = HTTPRequestBody.multipart([FormPart(name: "file_doc", data: edxml, fileName: fileName,
                                                       contentType: "application/xml")])
        let reply = try await call("sendEdoc", headers: headers, body: body)
        return (reply.string("DocId") ?? reply.string("docId"), reply.httpStatus)
    }

    /// `sendEdoc`, classified: never throws, so a delivery worker can record any outcome.
    /// `sha256` is the envelope's digest (lowercase hex) when the caller holds it already, as a
    /// store does for every envelope it keeps: then `hash-file` says what the bytes were when they
    /// were stored, and an envelope is not hashed again (2 % of the network's CPU with 1 MB attachments).
    public func deliver(_ edxml: [UInt8], sha256: String? = nil, from: String, to recipients: [String],
                        messageType: VDXPMessageType = .edoc) async -> TransferOutcome {
        do {
            let reply = try await sendEdocReply(edxml, sha256: sha256, from: from, to: recipients, messageType: messageType,
                                                fileName: "edoc.edxml")
            return .delivered(busDocId: reply.busDocId, httpStatus: reply.httpStatus)
        } catch {
            return TransferOutcome(classifying: error)
        }
    }

    /// Messages waiting for us. Entries without a docId are dropped (they cannot be fetched).
    public func getReceivedEdocList(messageType: VDXPMessageType = .edoc) async throws -> [VDXPEdocSummary] {
        let reply = try await call("getReceivedEdocList", headers: [
            HTTPField("servicetype", "eDoc"), HTTPField("messagetype", messageType.rawValue),
        ])
        return try records(reply.value("data"), call: "getReceivedEdocList").compactMap(VDXPEdocSummary.init)
    }

    /// The .edxml of one waiting message, decoded from the reply's base64 `data`.
    public func getEdoc(docId: String) async throws -> [UInt8] {
        let reply = try await call("getEdoc", headers: [HTTPField("docId", docId)])
        guard let base64 = reply.string("data"),
              let data = Data(base64Encoded: base64, options: [.ignoreUnknownCharacters]), !data.isEmpty else {
            throw RelayFailure(RelayReason.badReply, "getEdoc for \(docId) returned no base64 document in `data`",
                               disposition: .retryable(after: nil))
        }
        return Array(data)
    }

    /// Tells the bus what became of a fetched message (a transport acknowledgement).
    public func updateStatus(docId: String, status: VDXPTransportStatus) async throws {
        _ = try await call("updateStatus", headers: [HTTPField("docId", docId), HTTPField("status", status.rawValue)])
    }

    /// The sender's view of what it sent: per recipient send/receive status and times.
    public func getSentEdocList() async throws -> [VDXPRecord] {
        let reply = try await call("getSentEdocList", headers: [HTTPField("servicetype", "eDoc")])
        return try records(reply.value("data"), call: "getSentEdocList")
    }

    /// The bus's registry of agencies.
    public func getAgenciesList() async throws -> [VDXPRecord] {
        let reply = try await call("getAgenciesList", headers: [])
        return try records(reply.value("data"), call: "getAgenciesList")
    }

    // MARK: - The call shape

    private func call(_ name: String, headers: [HTTPField], body: HTTPRequestBody = .none) async throws -> VDXPReply {
        var fields = headers
        if let credentials = configuration.credentials {
            fields = VDXPSigner(credentials: credentials, protocolVersion: configuration.protocolVersion)
                .sign(headers, at: configuration.now())
        }
        fields.append(HTTPField("Accept", "application/json"))
        let response = try await transport.send(HTTPRequest(method: "POST", url: "\(configuration.baseURL)/\(name)",
                                                             headers: fields, body: body))
        if let failure = RelayFailure.classify(status: response.status, headers: response.headers, body: response.body) {
            throw failure
        }
        var reply = try VDXPReply(body: response.body)
        reply.httpStatus = response.status
        try reply.requireOK(call: name, retryableErrorCodes: configuration.retryableErrorCodes)
        return reply
    }

    /// A list reply's `data`: an array of objects (absent or null means none).
    private func records(_ data: JSONValue?, call: String) throws -> [VDXPRecord] {
        switch data {
        case nil, .null?: return []
        case .array(let array)?:
            return array.compactMap { if case .object(let object) = $0 { VDXPRecord(object) } else { nil } }
        default:
            throw RelayFailure(RelayReason.badReply, "\(call) returned `data` that is not a list", disposition: .retryable(after: nil))
        }
    }
}
