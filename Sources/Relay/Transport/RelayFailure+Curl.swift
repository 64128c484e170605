import LibCurl

extension RelayFailure {
    /// Maps a libcurl failure to a reason. Everything below HTTP is retryable: the network, the
    /// bus's TLS certificate or our own key may be fixed by the time the next attempt runs, and
    /// a message must not die because of a transport or configuration fault.
    init(curl error: CurlError) {
        let detail = error.detail.isEmpty ? error.message : error.detail
        let retry = Disposition.retryable(after: nil)
        if [.tlsHandshake, .receive, .send].contains(error.kind) && Self.isClientCertificateRejection(detail) {
            self.init(RelayReason.tlsClientRejected, "the bus refused our TLS client certificate: \(detail)",
                      disposition: retry, curlCode: error.code)
            return
        }
        switch error.kind {
        case .connect:
            self.init(RelayReason.connectFailed, "could not connect to the bus: \(detail)", disposition: retry, curlCode: error.code)
        case .resolve:
            self.init(RelayReason.resolveFailed, "the bus host name did not resolve: \(detail)", disposition: retry, curlCode: error.code)
        case .timeout:
            self.init(RelayReason.timeout, "the bus did not answer in time: \(detail)", disposition: retry, curlCode: error.code)
        case .tlsUntrusted:
            self.init(RelayReason.tlsUntrusted, "the bus's certificate is not trusted by the configured bus CA: \(detail)",
                      disposition: retry, curlCode: error.code)
        case .tlsPinMismatch:
            self.init(RelayReason.tlsPinMismatch, "the bus's public key is not the pinned one: \(detail)", disposition: retry, curlCode: error.code)
        case .tlsLocalSetup:
            self.init(RelayReason.tlsLocalSetup, "our TLS client certificate, key or CA file is unusable: \(detail)",
                      disposition: retry, curlCode: error.code)
        case .tlsHandshake:
            self.init(RelayReason.tlsHandshakeFailed, "the TLS handshake with the bus failed: \(detail)", disposition: retry, curlCode: error.code)
        case .send, .receive, .emptyReply, .other:
            self.init(RelayReason.network, "the connection to the bus broke: \(detail)", disposition: retry, curlCode: error.code)
        case .responseTooLarge:
            self.init(RelayReason.replyTooLarge, error.message, disposition: retry, curlCode: error.code)
        case .invalidRequest:
            self.init(RelayReason.invalidRequest, "the request could not be made: \(detail)", disposition: .permanent, curlCode: error.code)
        case .cancelled:
            self.init(RelayReason.cancelled, error.message, disposition: retry, curlCode: error.code)
        }
    }

    /// TLS alerts a server sends when it does not accept the client's certificate (or its absence).
    /// Under TLS 1.3 they arrive after the handshake, so libcurl reports a receive error (56).
    static func isClientCertificateRejection(_ detail: String) -> Bool {
        let text = detail.lowercased()
        return ["alert certificate required", "alert bad certificate", "alert unknown ca",
                "alert certificate unknown", "alert certificate revoked", "alert certificate expired",
                "alert access denied"].contains { text.contains($0) }
    }
}
