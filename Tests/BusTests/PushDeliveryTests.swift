import EdXML
import Foundation
import Relay
import Store
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
}
