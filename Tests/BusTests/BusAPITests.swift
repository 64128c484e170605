import EdXML
import Foundation
import LibCrypto
import Relay
import Store
import Testing
import TestSupport
import XMLDSig

/// The bus API driven by the real `VDXPClient` (libcurl, TLS) exactly as a gateway drives the
/// national bus: authentication by client certificate or HMAC headers, routing, polling.
@Suite("bus role: the VDXP API")
struct BusAPITests {
    @Test("a document sent with HMAC headers waits for the polling recipient, who lists, gets and acknowledges it")
    func hmacSendReachesPollingRecipient() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let a = try bus.hmacClient(SharedPKI.a)
        let b = try bus.client(SharedPKI.b, certificate: true)
        let envelope = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 1)

        let docId = try #require(try await a.sendEdoc(envelope, from: SharedPKI.a, to: [SharedPKI.b]))
        let waiting = try await eventually({ try await b.getReceivedEdocList() }, until: { !$0.isEmpty })
        let summary = try #require(waiting.first)
        #expect(waiting.count == 1)
        #expect(summary.from == SharedPKI.a)
        #expect(summary.to == [SharedPKI.b])
        #expect(summary.messageType == "edoc")

        let fetched = try await b.getEdoc(docId: summary.docId)
        let text = String(decoding: fetched, as: UTF8.self)
        #expect(text.contains("<!--bus TraceHeader: OrganId=\(DevelopmentPKI.busOrganId) Timestamp="), "the bus's hop is in the envelope")
        let verdict = try SharedPKI.verifier.verify(fetched)
        #expect(verdict.isValid, "the sender's signature is still valid: \(verdict.summary)")
        #expect(verdict.claimedSender == SharedPKI.a)

        try await b.updateStatus(docId: summary.docId, status: .done)
        #expect(try await b.getReceivedEdocList().isEmpty, "an acknowledged document is no longer listed")

        let sent = try await a.getSentEdocList()
        let record = try #require(sent.first { $0["docId"] == docId })
        #expect(record["to"] == SharedPKI.b)
        #expect(record["where"] == "received")
        #expect(record["receiveStatus"] == "done")
        #expect(record["sendStatus"] == "delivered")
    }

    @Test("a document sent with only a TLS client certificate is routed; sending it again routes it once")
    func certificateSendIsRoutedOnce() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let a = try bus.client(SharedPKI.a, certificate: true)
        let b = try bus.hmacClient(SharedPKI.b)
        let envelope = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 2)

        let first = try await a.sendEdoc(envelope, from: SharedPKI.a, to: [SharedPKI.b])
        let again = try await a.sendEdoc(envelope, from: SharedPKI.a, to: [SharedPKI.b])
        #expect(first != nil)
        #expect(first == again, "a repeated sendEdoc (a retry after a lost reply) answers the same DocId")
        let waiting = try await eventually({ try await b.getReceivedEdocList() }, until: { !$0.isEmpty })
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await b.getReceivedEdocList().count == waiting.count)
        #expect(waiting.count == 1, "one delivery for two identical calls")
    }

    @Test("a call repeated after its recipient was suspended still answers its DocId, and routes nothing more")
    func repeatedCallAfterSuspensionAnswersItsDocId() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let a = try bus.client(SharedPKI.a, certificate: true)
        let envelope = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 4)

        let first = try #require(try await a.sendEdoc(envelope, from: SharedPKI.a, to: [SharedPKI.b]))
        try await bus.store.setAgencyState(SharedPKI.b, to: .suspended, actor: "test", reason: "test")
        let again = try await a.sendEdoc(envelope, from: SharedPKI.a, to: [SharedPKI.b])
        #expect(again == first, "a retry after a lost reply is answered as the first call was, not refused")
        let queued = try await bus.store.submission(idempotencyKey: "bus:\(SharedPKI.a):\(SHA256Hasher.hexDigest(envelope)):\(SharedPKI.b)")
        #expect(queued?.messages.count == 1)

        // A new document to the suspended agency is refused.
        let other = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 5)
        await #expect(throws: (any Error).self) { _ = try await a.sendEdoc(other, from: SharedPKI.a, to: [SharedPKI.b]) }
    }

    @Test("refusals answer FAIL with stable codes", arguments: [
        "hmac_mismatch", "hmac_stale", "hmac_replayed", "sender_mismatch", "hash_mismatch", "no_credential", "unknown_system",
        "suspended_caller", "suspended_hmac_caller", "altered_header", "repeated_header",
    ])
    func refusals(_ case: String) async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let envelope = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 3)
        let expected: String
        let attempt: () async throws -> Void
        switch `case` {
        case "hmac_mismatch":
            expected = "bus.hmac_mismatch"
            let client = try bus.client(SharedPKI.a, certificate: false, hmacSecret: "not-the-secret")
            attempt = { _ = try await client.sendEdoc(envelope, from: SharedPKI.a, to: [SharedPKI.b]) }
        case "hmac_stale":
            expected = "bus.hmac_stale"
            let client = try bus.hmacClient(SharedPKI.a, clock: { Date().addingTimeInterval(-600) })
            attempt = { _ = try await client.sendEdoc(envelope, from: SharedPKI.a, to: [SharedPKI.b]) }
        case "hmac_replayed":
            expected = "bus.hmac_replayed"
            // A frozen clock makes the client send the very same signed headers twice.
            let frozen = Date()
            let client = try bus.hmacClient(SharedPKI.b, clock: { frozen })
            _ = try await client.getReceivedEdocList()
            attempt = { _ = try await client.getReceivedEdocList() }
        case "sender_mismatch":
            expected = "bus.sender_mismatch"
            let client = try bus.hmacClient(SharedPKI.b)
            attempt = { _ = try await client.sendEdoc(envelope, from: SharedPKI.a, to: [SharedPKI.b]) }
        case "hash_mismatch":
            expected = "bus.hash_mismatch"
            attempt = {
                try await Self.sendEdocAsA(envelope, to: bus, headers: [
                    HTTPField("from", SharedPKI.a), HTTPField("to", #"["\#(SharedPKI.b)"]"#), HTTPField("servicetype", "eDoc"),
                    HTTPField("messagetype", "edoc"), HTTPField("hash-file", String(repeating: "0", count: 64)),
                ])
            }
        case "repeated_header":
            // A second `from`: the bus would read the first, a proxy in front perhaps the last.
            expected = "bus.header_repeated"
            attempt = {
                try await Self.sendEdocAsA(envelope, to: bus, headers: [
                    HTTPField("from", SharedPKI.a), HTTPField("from", SharedPKI.b), HTTPField("to", #"["\#(SharedPKI.b)"]"#),
                    HTTPField("messagetype", "edoc"), HTTPField("hash-file", SHA256Hex.of(envelope)),
                ])
            }
        case "no_credential":
            expected = "bus.auth_missing"
            let client = try bus.client(SharedPKI.a, certificate: false)
            attempt = { _ = try await client.getAgenciesList() }
        case "unknown_system":
            expected = "bus.hmac_unknown_system"
            let client = VDXPClient(transport: try CurlHTTPTransport(configuration: TransportConfiguration(tls: MutualTLS(
                trustedCA: .file(try SharedPKI.file("trust.pem").path)))),
                configuration: VDXPConfiguration(baseURL: bus.baseURL, credentials: VDXPCredentials(systemId: "sys-nobody", secret: "x")))
            attempt = { _ = try await client.getAgenciesList() }
        case "altered_header":
            // The HMAC is right, but a header the call relies on was changed after signing.
            expected = "bus.hmac_unsigned_header"
            let curl = try CurlHTTPTransport(configuration: TransportConfiguration(tls: MutualTLS(
                trustedCA: .file(try SharedPKI.file("trust.pem").path))))
            let client = VDXPClient(transport: AlteringTransport(inner: curl, header: "messagetype", value: "status"),
                                    configuration: VDXPConfiguration(baseURL: bus.baseURL, credentials: VDXPCredentials(
                                        systemId: BusNode.systemIds[SharedPKI.b] ?? "", secret: BusNode.secrets[SharedPKI.b] ?? "")))
            attempt = { _ = try await client.getReceivedEdocList() }
        case "suspended_hmac_caller":
            expected = "bus.agency_suspended"
            let client = try bus.hmacClient(SharedPKI.suspendedAgency)
            attempt = { _ = try await client.getReceivedEdocList() }
        default:
            expected = "bus.agency_suspended"
            try await bus.store.setAgencyState(SharedPKI.a, to: .suspended, actor: "test", reason: "test")
            let client = try bus.client(SharedPKI.a, certificate: true)
            attempt = { _ = try await client.getAgenciesList() }
        }
        let failure = await #expect(throws: RelayFailure.self) { try await attempt() }
        #expect(failure?.busErrorCode == expected, "\(failure.map { "\($0)" } ?? "no failure")")
        #expect(failure?.reasonCode == "relay.refused")
        // The operator sees it too: each FAIL counted by its code on the bus API's listener.
        let samples = try PrometheusText.samples(bus.parts.metrics.registry.emitToString())
        #expect(samples["lienthong_refusals_total{listener=\"bus_api\",reason=\"\(expected)\"}"] == 1, "\(samples)")
        #expect(samples.filter { $0.key.hasPrefix("lienthong_refusals_total") }.values.reduce(0, +) == 1)
    }

    /// `sendEdoc` with headers exactly as given, as agency A by its TLS client certificate.
    static func sendEdocAsA(_ envelope: [UInt8], to bus: BusNode, headers: [HTTPField]) async throws {
        let response = try await HostileInputTests.transport().send(HTTPRequest(url: "\(bus.baseURL)/sendEdoc", headers: headers,
            body: .multipart([FormPart(name: "file_doc", data: envelope, fileName: "edoc.edxml", contentType: "application/xml")])))
        try throwIfFailed(response)
    }

    @Test("an HMAC signature used before a restart of the bus is still refused after it")
    func replayAcrossARestart() async throws {
        let bus = try await BusNode.start()
        // A frozen clock makes the client send the very same signed headers again.
        let frozen = Date()
        _ = try await bus.hmacClient(SharedPKI.b, clock: { frozen }).getReceivedEdocList()
        let restarted = try await bus.restarted()
        defer { Task { await restarted.stop() } }
        let failure = await #expect(throws: RelayFailure.self) {
            _ = try await restarted.hmacClient(SharedPKI.b, clock: { frozen }).getReceivedEdocList()
        }
        #expect(failure?.busErrorCode == "bus.hmac_replayed", "\(failure.map { "\($0)" } ?? "no failure")")
        _ = try await restarted.hmacClient(SharedPKI.b).getReceivedEdocList()
    }

    static func throwIfFailed(_ response: HTTPResponse) throws {
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
        if object["status"] as? String != "OK" {
            throw RelayFailure("relay.refused", "\(object)", disposition: .permanent, busErrorCode: object["ErrorCode"] as? String)
        }
    }

    @Test("a document to an unknown agency fails naming it; to a known and an unknown one it goes through and the sender gets a 02")
    func unknownRecipients() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let a = try bus.hmacClient(SharedPKI.a)
        let unknown = "000.00.00.Z99"

        let alone = try Envelopes.document(from: SharedPKI.a, to: [unknown], number: 4)
        let failure = await #expect(throws: RelayFailure.self) { _ = try await a.sendEdoc(alone, from: SharedPKI.a, to: [unknown]) }
        #expect(failure?.busErrorCode == "bus.recipient_unknown")
        #expect(failure?.explanation.contains(unknown) == true, "\(failure.map { "\($0)" } ?? "")")

        let suspended = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.suspendedAgency], number: 5)
        let refusal = await #expect(throws: RelayFailure.self) {
            _ = try await a.sendEdoc(suspended, from: SharedPKI.a, to: [SharedPKI.suspendedAgency])
        }
        #expect(refusal?.busErrorCode == "bus.recipient_suspended")

        let mixed = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b, unknown], number: 6)
        _ = try await a.sendEdoc(mixed, from: SharedPKI.a, to: [SharedPKI.b, unknown])
        let b = try bus.hmacClient(SharedPKI.b)
        #expect(try await eventually({ try await b.getReceivedEdocList() }, until: { !$0.isEmpty }).count == 1)
        let statuses = try await eventually({ try await a.getReceivedEdocList(messageType: .status) }, until: { !$0.isEmpty })
        let status = try #require(statuses.first)
        #expect(status.from == DevelopmentPKI.busOrganId)
        let bytes = try await a.getEdoc(docId: status.docId)
        let read = try EdXMLReader().read(Data(bytes)).message.status
        #expect(read?.statusCode?.text == "02")
        #expect(read?.description?.contains(unknown) == true)
        #expect(read?.responseFor?.documentId == "\(SharedPKI.a),2026/11/25,6/BUS-TEST")
        #expect(try SharedPKI.verifier.verify(bytes).isValid, "the bus signs what it reports")
    }

    @Test("a status goes to its ResponseFor/OrganId; getSentEdocList shows it to its sender")
    func statusesRouteBack() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let a = try bus.hmacClient(SharedPKI.a)
        let b = try bus.client(SharedPKI.b, certificate: true)
        let status = try Envelopes.status("03", from: SharedPKI.b, about: 7, of: SharedPKI.a)

        let docId = try await b.sendEdoc(status, from: SharedPKI.b, to: [SharedPKI.a], messageType: .status)
        #expect(try await a.getReceivedEdocList(messageType: .edoc).isEmpty, "a status is not listed as a document")
        let waiting = try await eventually({ try await a.getReceivedEdocList(messageType: .status) }, until: { !$0.isEmpty })
        let summary = try #require(waiting.first)
        #expect(summary.from == SharedPKI.b)
        let fetched = try await a.getEdoc(docId: summary.docId)
        #expect(try EdXMLReader().read(Data(fetched)).message.status?.statusCode?.text == "03")
        #expect(try SharedPKI.verifier.verify(fetched).isValid)
        try await a.updateStatus(docId: summary.docId, status: .done)

        let sent = try await b.getSentEdocList()
        #expect(sent.contains { $0["docId"] == docId && $0["messageType"] == "status" && $0["to"] == SharedPKI.a })

        let misrouted = try Envelopes.status("03", from: SharedPKI.b, about: 8, of: SharedPKI.a)
        let failure = await #expect(throws: RelayFailure.self) {
            _ = try await b.sendEdoc(misrouted, from: SharedPKI.b, to: [SharedPKI.pushAgency], messageType: .status)
        }
        #expect(failure?.busErrorCode == "bus.recipient_not_addressed")
    }

    @Test("a status on a document comes only from its recipients; its sender's recall goes to the recipients it names")
    func statusesOnlyFromRecipients() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let a = try bus.hmacClient(SharedPKI.a)
        let b = try bus.client(SharedPKI.b, certificate: true)
        let stranger = try bus.hmacClient(SharedPKI.pushAgency)
        _ = try await a.sendEdoc(try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.b], number: 9), from: SharedPKI.a, to: [SharedPKI.b])

        let forged = try Envelopes.status("06", from: SharedPKI.pushAgency, about: 9, of: SharedPKI.a)
        let refusal = await #expect(throws: RelayFailure.self) {
            _ = try await stranger.sendEdoc(forged, from: SharedPKI.pushAgency, to: [SharedPKI.a], messageType: .status)
        }
        #expect(refusal?.busErrorCode == "bus.status_not_from_recipient", "\(refusal.map { "\($0)" } ?? "no failure")")
        #expect(refusal?.explanation.contains(SharedPKI.b) == true, "the refusal says who the document went to")
        // Naming the document another way does not step around the check.
        for (documentId, way) in [(String?.none, "by its code and date only"), (" \(SharedPKI.a),2026/11/25,9/BUS-TEST\n", "padded")] {
            let disguised = try Envelopes.status("05", from: SharedPKI.pushAgency, about: 9, of: SharedPKI.a, documentId: .some(documentId))
            let failure = await #expect(throws: RelayFailure.self, "\(way)") {
                _ = try await stranger.sendEdoc(disguised, from: SharedPKI.pushAgency, to: [SharedPKI.a], messageType: .status)
            }
            #expect(failure?.busErrorCode == "bus.status_not_from_recipient", "\(way): \(failure.map { "\($0)" } ?? "no failure")")
        }

        _ = try await b.sendEdoc(try Envelopes.status("03", from: SharedPKI.b, about: 9, of: SharedPKI.a),
                                 from: SharedPKI.b, to: [SharedPKI.a], messageType: .status)
        let reported = try await eventually({ try await a.getReceivedEdocList(messageType: .status) }, until: { !$0.isEmpty })
        #expect(reported.map(\.from) == [SharedPKI.b], "the recipient's status is routed, the stranger's is not")

        // A recall (13) is the sender's own status on its document: it goes to the recipients the call names.
        let recall = try Envelopes.status("13", from: SharedPKI.a, about: 9, of: SharedPKI.a)
        _ = try await a.sendEdoc(recall, from: SharedPKI.a, to: [SharedPKI.b], messageType: .status)
        let recalled = try await eventually({ try await b.getReceivedEdocList(messageType: .status) }, until: { !$0.isEmpty })
        #expect(recalled.map(\.from) == [SharedPKI.a])
        let misdirected = await #expect(throws: RelayFailure.self) {
            _ = try await a.sendEdoc(recall, from: SharedPKI.a, to: [SharedPKI.pushAgency], messageType: .status)
        }
        #expect(misdirected?.busErrorCode == "bus.recipient_not_addressed", "\(misdirected.map { "\($0)" } ?? "no failure")")
    }

    @Test("getAgenciesList names the active agencies and no credential")
    func agenciesList() async throws {
        let bus = try await BusNode.start()
        defer { Task { await bus.stop() } }
        let list = try await bus.hmacClient(SharedPKI.a).getAgenciesList()
        #expect(Set(list.compactMap { $0["organId"] }) == [SharedPKI.a, SharedPKI.b, SharedPKI.pushAgency])
        #expect(list.first { $0["organId"] == SharedPKI.pushAgency }?["deliveryMode"] == "push")
        #expect(!list.contains { $0.fields.keys.contains { $0.lowercased().contains("secret") || $0.lowercased().contains("certificate") } })
        let actions = try await bus.store.agencyActions()
        #expect(actions.filter { $0.action == "agency.add" && $0.actor == "config" }.count == 4,
                "agencies from the configuration are in the operator-action log")
    }
}

/// Changes one header of every request after the client signed it (a tampering middlebox).
struct AlteringTransport: HTTPTransport {
    let inner: any HTTPTransport
    let header: String
    let value: String

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var altered = request
        altered.headers = request.headers.map { $0.name.lowercased() == header ? HTTPField($0.name, value) : $0 }
        return try await inner.send(altered)
    }
}
