import Foundation
import Relay
import TestSupport

/// One PKI for the whole test process (making it costs a dozen `openssl` runs), removed at exit.
nonisolated(unsafe) private var pkiDirectoryToRemove: TemporaryDirectory?

private let sharedPKIResult: Result<TestPKI, any Error> = Result {
    let pki = try TestPKI.make()
    pkiDirectoryToRemove = pki.directory
    atexit { pkiDirectoryToRemove?.remove() }
    return pki
}

func sharedPKI() throws -> TestPKI { try sharedPKIResult.get() }

/// A transport to the test bus: CA from a file, client certificate and key handed over in memory.
func makeTransport(_ pki: TestPKI, clientCertificate: Bool = true, pin: String? = nil,
                   maxTransfersPerDestination: Int = 4, maxCachedConnections: Int = 16, connectTimeout: Duration = .seconds(5),
                   totalTimeout: Duration = .seconds(20)) throws -> CurlHTTPTransport {
    let tls = MutualTLS(
        trustedCA: .file(pki.caCertificate.path),
        clientCertificate: clientCertificate ? .pem(Array(try Data(contentsOf: pki.clientCertificate))) : nil,
        clientKey: clientCertificate ? .pem(Array(try Data(contentsOf: pki.clientKey))) : nil,
        pinnedPublicKey: pin)
    return try CurlHTTPTransport(configuration: TransportConfiguration(
        tls: tls, connectTimeout: connectTimeout, totalTimeout: totalTimeout,
        maxTransfersPerDestination: maxTransfersPerDestination, maxCachedConnections: maxCachedConnections))
}

let okReply = BusReply.json(#"{"status":"OK","ErrorCode":"0","ErrorDesc":"","DocId":"bus-0001"}"#)

/// A small edXML-like file with bytes a careless body writer would mangle (NUL, 0xFF, CRLF).
let sampleEdxml: [UInt8] = Array("<?xml version=\"1.0\"?>\r\n<edXML xmlns=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">".utf8)
    + [0, 255, 13, 10] + Array("Trích yếu</edXML>\n".utf8)
