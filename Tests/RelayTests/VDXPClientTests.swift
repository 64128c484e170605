import Foundation
import Relay
import Testing

/// The VDXP call shape end to end: the real transport, a real HTTPS test bus, and the bus-side
/// checks (multipart, hash-file, HMAC) recomputed with the `openssl` command line.
@Suite struct VDXPClientTests {
    let fixedNow = Date(timeIntervalSince1970: 1_795_580_130.123)   // 2026-11-25 04:15:30.123 UTC

    private func client(_ pki: TestPKI, _ bus: TestBus, credentials: VDXPCredentials? = nil,
                        retryableErrorCodes: Set<String> = [], totalTimeout: Duration = .seconds(20)) throws -> VDXPClient {
        let now = fixedNow
        return VDXPClient(transport: try makeTransport(pki, totalTimeout: totalTimeout),
                          configuration: VDXPConfiguration(baseURL: bus.baseURL + "/", credentials: credentials,
                                                           retryableErrorCodes: retryableErrorCodes, now: { now }))
    }

    @Test func sendEdocCarriesTheCallShape() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { bus in
            let docId = try await client(pki, bus).sendEdoc(sampleEdxml, from: "000.00.00.G22",
                                                             to: ["000.00.00.H41", "000.00.00.H29"])
            #expect(docId == "bus-0001")
            let request = try #require(await bus.recorder.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/vdxp/sendEdoc")
            #expect(request.header("from") == "000.00.00.G22")
            #expect(request.header("to") == #"["000.00.00.H41","000.00.00.H29"]"#)
            #expect(request.header("servicetype") == "eDoc")
            #expect(request.header("messagetype") == "edoc")
            #expect(request.header("systemid") == nil, "no HMAC headers unless configured")

            let contentType = try #require(request.header("Content-Type"))
            #expect(contentType.hasPrefix("multipart/form-data"))
            let parts = try #require(parseMultipart(request.body, contentType: contentType))
            #expect(parts.count == 1)
            #expect(parts.first?.name == "file_doc")
            #expect(parts.first?.data == sampleEdxml)
            let fileHash = try opensslDigestHex(["dgst", "-sha256"], stdin: Data(parts.first?.data ?? []))
            #expect(request.header("hash-file") == fileHash)
        }
    }

    @Test func statusMessagesUseTheirMessageType() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { bus in
            _ = try await client(pki, bus).sendEdoc(sampleEdxml, from: "000.00.00.H41", to: ["000.00.00.G22"], messageType: .status)
            #expect(await bus.recorder.requests.first?.header("messagetype") == "status")
        }
    }

    @Test func hmacHeadersVerifyOnTheBusSide() async throws {
        let pki = try sharedPKI()
        let secret = "bí-mật \"s3cret\""
        try await withTestBus(pki: pki, behaviour: { _ in okReply }) { bus in
            _ = try await client(pki, bus, credentials: VDXPCredentials(systemId: "sys.G22", secret: secret))
                .sendEdoc(sampleEdxml, from: "000.00.00.G22", to: ["000.00.00.H41"])
            let request = try #require(await bus.recorder.requests.first)
            #expect(request.header("systemid") == "sys.G22")
            #expect(request.header("timestamp") == "25112026T111530+0123")   // Vietnam time, ms on 4 digits
            #expect(request.header("XroadVnpt-version") == "3.0.201608")

            let keys = try #require(request.header("XroadVnpt-sign-header-key")).split(separator: ";").map(String.init)
            #expect(Set(keys).isSuperset(of: ["systemid", "timestamp", "from", "to", "servicetype", "messagetype", "hash-file"]))
            let signHeader = try #require(request.header("XroadVnpt-sign-header"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(signHeader.utf8)) as? [String: String])
            #expect(Set(object.keys) == Set(keys.map { "XroadVnpt-\($0)" }))
            for key in keys {
                #expect(request.header("XroadVnpt-\(key)") == request.header(key), "XroadVnpt-\(key) repeats \(key)")
                #expect(object["XroadVnpt-\(key)"] == request.header(key), "the signed JSON holds what was sent as \(key)")
            }
            let expected = try opensslDigestHex(["dgst", "-sha256", "-hmac", secret], stdin: Data(signHeader.utf8))
            #expect(request.header("XroadVnpt-hash-header") == expected)
        }
    }

    @Test func timestampRollsOverInVietnamTime() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in .json(#"{"status":"OK","data":[]}"#) }) { bus in
            let newYearsEve = Date(timeIntervalSince1970: 1_798_747_509.007)   // 2026-12-31 20:05:09.007 UTC
            let client = VDXPClient(transport: try makeTransport(pki), configuration: VDXPConfiguration(
                baseURL: bus.baseURL, credentials: VDXPCredentials(systemId: "s", secret: "k"), now: { newYearsEve }))
            _ = try await client.getAgenciesList()
            #expect(await bus.recorder.requests.first?.header("timestamp") == "01012027T030509+0007")
        }
    }

    @Test func deliverClassifiesEveryAnswer() async throws {
        let pki = try sharedPKI()
        let cases: [(BusReply, String, Bool, Duration?)] = [
            (okReply, "relay.delivered", false, nil),
            (.json(#"{"status":"FAIL"}"#, status: 503), "relay.http_5xx", true, nil),
            (.json("{}", status: 500, headers: [("Retry-After", "5")]), "relay.http_5xx", true, .seconds(5)),
            (.json("{}", status: 429, headers: [("Retry-After", "7")]), "relay.rate_limited", true, .seconds(7)),
            (.json("{}", status: 400), "relay.http_4xx", false, nil),
            (.json("{}", status: 401), "relay.unauthorized", false, nil),
            (.json(#"{"status":"FAIL","ErrorCode":"-1","ErrorDesc":"Không tìm thấy đơn vị nhận"}"#), "relay.refused", false, nil),
            (.json("<html>proxy error</html>"), "relay.bad_reply", true, nil),
            (.json(#"{"DocId":"x"}"#), "relay.bad_reply", true, nil),
        ]
        let script = ReplyScript()
        try await withTestBus(pki: pki, behaviour: { _ in await script.current }) { bus in
            let client = try client(pki, bus)
            for (reply, reason, retryable, retryAfter) in cases {
                await script.set(reply)
                let outcome = await client.deliver(sampleEdxml, from: "000.00.00.G22", to: ["000.00.00.H41"])
                #expect(outcome.reasonCode == reason)
                switch outcome {
                case .delivered(let busDocId, let status): #expect(busDocId == "bus-0001"); #expect(status == 200)
                case .retryable(_, let after): #expect(retryable, "\(reason) should be permanent"); #expect(after == retryAfter)
                case .permanent: #expect(!retryable, "\(reason) should be retryable")
                }
            }
        }
    }

    @Test func busRefusalCarriesItsErrorCode() async throws {
        let pki = try sharedPKI()
        let refusal = BusReply.json(#"{"status":"FAIL","ErrorCode":"-1","ErrorDesc":"Không tìm thấy đơn vị nhận"}"#)
        try await withTestBus(pki: pki, behaviour: { _ in refusal }) { bus in
            let outcome = try await client(pki, bus).deliver(sampleEdxml, from: "000.00.00.G22", to: ["000.00.00.H41"])
            guard case .permanent(let failure) = outcome else { Issue.record("expected permanent, got \(outcome)"); return }
            #expect(failure.busErrorCode == "-1")
            #expect(failure.explanation.contains("Không tìm thấy đơn vị nhận"))
            // The same code configured as transient is retried instead.
            let lenient = try await client(pki, bus, retryableErrorCodes: ["-1"])
                .deliver(sampleEdxml, from: "000.00.00.G22", to: ["000.00.00.H41"])
            #expect(lenient.reasonCode == "relay.bus_failed")
            if case .permanent = lenient { Issue.record("a configured transient ErrorCode must be retryable") }
        }
    }

    @Test func deliverReportsTransportFailures() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in BusReply(delay: .milliseconds(1500)) }) { bus in
            let outcome = try await client(pki, bus, totalTimeout: .milliseconds(400))
                .deliver(sampleEdxml, from: "000.00.00.G22", to: ["000.00.00.H41"])
            #expect(outcome.reasonCode == "relay.timeout")
        }
    }

    @Test func receivingCallsDecodeTheirReplies() async throws {
        let pki = try sharedPKI()
        let document = Array("<edXML>inbound</edXML>".utf8)
        let behaviour: BusBehaviour = { request in
            switch request.call {
            case "getReceivedEdocList":
                return .json(#"{"status":"OK","data":[{"docId":"d-1","serviceType":"eDoc","messageType":"edoc","from":"000.00.00.H41","to":"[\"000.00.00.G22\"]","status":"initial","status_desc":"","created_time":"25/11/2026","updated_time":"25/11/2026"},{"from":"no id"}]}"#)
            case "getEdoc":
                return .json(#"{"status":"OK","data":"\#(Data(document).base64EncodedString())"}"#)
            case "updateStatus":
                return .json(#"{"status":"OK"}"#)
            case "getSentEdocList":
                return .json(#"{"status":"OK","data":[{"docId":"s-1","to":"000.00.00.H41","receive_status":"done","count":2}]}"#)
            default:
                return .json(#"{"status":"FAIL","ErrorCode":"404","ErrorDesc":"no such call"}"#)
            }
        }
        try await withTestBus(pki: pki, behaviour: behaviour) { bus in
            let client = try client(pki, bus)
            let list = try await client.getReceivedEdocList()
            #expect(list == [VDXPEdocSummary(docId: "d-1", serviceType: "eDoc", messageType: "edoc", from: "000.00.00.H41",
                                             to: ["000.00.00.G22"], status: "initial", statusDescription: "",
                                             createdTime: "25/11/2026", updatedTime: "25/11/2026")])
            #expect(try await client.getEdoc(docId: "d-1") == document)
            try await client.updateStatus(docId: "d-1", status: .done)
            let sent = try await client.getSentEdocList()
            #expect(sent.first?["docId"] == "s-1")
            #expect(sent.first?["COUNT"] == "2")
            await #expect(throws: RelayFailure.self) { try await client.getAgenciesList() }

            let requests = await bus.recorder.requests
            #expect(requests.map(\.call) == ["getReceivedEdocList", "getEdoc", "updateStatus", "getSentEdocList", "getAgenciesList"])
            #expect(requests[0].header("messagetype") == "edoc")
            #expect(requests[1].header("docId") == "d-1")
            #expect(requests[2].header("docId") == "d-1")
            #expect(requests[2].header("status") == "done")
        }
    }

    @Test func getEdocWithoutDocumentIsABadReply() async throws {
        let pki = try sharedPKI()
        try await withTestBus(pki: pki, behaviour: { _ in .json(#"{"status":"OK","data":null}"#) }) { bus in
            let error = await #expect(throws: RelayFailure.self) { try await client(pki, bus).getEdoc(docId: "x") }
            #expect(error?.reasonCode == "relay.bad_reply")
        }
    }
}

/// The reply the test bus gives, changed between calls.
actor ReplyScript {
    private(set) var current = okReply
    func set(_ reply: BusReply) { current = reply }
}
