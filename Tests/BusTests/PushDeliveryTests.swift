import EdXML
import Foundation
import Gateway
import HTTPTypes
import Relay
import Store
import Synchronization
import Testing
import TestSupport
import XMLDSig

@Suite("bus role: push delivery")
struct PushDeliveryTests {
    @Test("a push recipient's endpoint receives the envelope over mutual TLS, with the bus hop and the sender's signature valid")
    func pushRecipientReceivesEnvelope() async throws {
        let endpoint = try await PushEndpoint.start(pki: try SharedPKI.get().directory)
        let bus = try await BusNode.start(pushEndpoint: endpoint.url)
        defer { Task { await bus.stop(); await endpoint.stop() } }
        let a = try bus.hmacClient(SharedPKI.a, certificate: true)
        let signedDocument = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.pushAgency], number: 10)
        let unsignedStatus = try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.pushAgency], number: 11, signed: false)

        let docId = try await a.sendEdoc(signedDocument, from: SharedPKI.a, to: [SharedPKI.pushAgency])
        let pushed = try await eventually({ await endpoint.recorder.received }, until: { !$0.isEmpty })
        let envelope = try #require(pushed.first)
        #expect(envelope.path == "/bus/v1/edoc")
        #expect(envelope.contentType == "application/xml")
        #expect(envelope.clientCertificateSHA256 == (try SharedPKI.get().pki.tlsClient.certificate.fingerprintHex),
                "the bus pushes with its own TLS client certificate")
        #expect(String(decoding: envelope.body, as: UTF8.self).contains("<!--bus TraceHeader: OrganId=\(DevelopmentPKI.busOrganId)"))
        let verdict = try SharedPKI.verifier.verify(envelope.body)
        #expect(verdict.isValid, "\(verdict.summary)")

        let sent = try await eventually({ try await a.getSentEdocList() }, until: { $0.first?["where"] == "pushed" })
        #expect(sent.first { $0["docId"] == docId }?["where"] == "pushed")

        // The signature policy is `require`: an unsigned document is refused before any routing.
        let failure = await #expect(throws: RelayFailure.self) {
            _ = try await a.sendEdoc(unsignedStatus, from: SharedPKI.a, to: [SharedPKI.pushAgency])
        }
        #expect(failure?.busErrorCode == "signature.missing")
    }

    @Test("a status 01 in the push's answer is routed to the document's sender, confirmed on the next push, and a repeat of it by the agency is not delivered again")
    func statusInTheAnswer() async throws {
        let arrived = try Envelopes.status("01", from: SharedPKI.pushAgency, about: 40, of: SharedPKI.a)
        // Signed by another agency: the answer to a push for one agency cannot speak for another.
        let forged = try Envelopes.status("01", from: SharedPKI.b, about: 41, of: SharedPKI.a)
        let answered = Mutex<Int>(0)
        let endpoint = try await PushEndpoint.start(pki: try SharedPKI.get().directory) { _ in
            // The first push is answered with the agency's 01, the second with the forged one.
            let count = answered.withLock { count in
                count += 1
                return count
            }
            guard count <= 2 else { return nil }
            let headers: HTTPFields = [.contentType: "application/xml", HTTPField.Name(StatusReply.inboxIdHeader)!: "in-\(count)",
                                       HTTPField.Name(StatusReply.statusHeader)!: count == 1 ? "M-01:L-01" : "M-forged:L-02"]
            return (headers, count == 1 ? arrived : forged)
        }
        let bus = try await BusNode.start(pushEndpoint: endpoint.url)
        defer { Task { await bus.stop(); await endpoint.stop() } }
        let a = try bus.hmacClient(SharedPKI.a, certificate: true)

        _ = try await a.sendEdoc(try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.pushAgency], number: 40),
                                 from: SharedPKI.a, to: [SharedPKI.pushAgency])
        let first = try #require(try await eventually({ await endpoint.recorder.received }, until: { !$0.isEmpty }).first)
        #expect(first.headers[HTTPField.Name(StatusReply.acceptHeader)!] == StatusReply.acceptValue, "the bus asks for the 01 in the answer")
        #expect(first.headers[HTTPField.Name(StatusReply.takenHeader)!] == nil)

        // Routed to A as the push agency's own status; the one from another OrganId is not.
        let statuses = try await eventually({ try await a.getReceivedEdocList(messageType: .status) }, until: { !$0.isEmpty })
        #expect(statuses.count == 1)
        let delivered = try await a.getEdoc(docId: try #require(statuses.first?.docId))
        let status = try #require(try EdXMLReader().read(Data(delivered)).message.status)
        #expect(status.from.organId?.text == SharedPKI.pushAgency)
        #expect(status.statusCode == .arrived)
        #expect(try SharedPKI.verifier.verify(delivered).isValid)

        // The next push confirms the routed one; the forged one in its answer is neither routed nor confirmed.
        _ = try await a.sendEdoc(try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.pushAgency], number: 41),
                                 from: SharedPKI.a, to: [SharedPKI.pushAgency])
        _ = try await a.sendEdoc(try Envelopes.document(from: SharedPKI.a, to: [SharedPKI.pushAgency], number: 42),
                                 from: SharedPKI.a, to: [SharedPKI.pushAgency])
        let pushes = try await eventually({ await endpoint.recorder.received }, until: { $0.count >= 3 })
        let taken = HTTPField.Name(StatusReply.takenHeader)!
        #expect(pushes[1].headers[taken] == "M-01:L-01")
        #expect(pushes[2].headers[taken] == nil)

        // The agency sending the same 01 itself (its lease expired unconfirmed) is a repeat.
        let own = try bus.hmacClient(SharedPKI.pushAgency)
        _ = try await own.sendEdoc(arrived, from: SharedPKI.pushAgency, to: [SharedPKI.a], messageType: .status)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await a.getReceivedEdocList(messageType: .status).count == 1, "the 01 reaches A once")
    }
}
