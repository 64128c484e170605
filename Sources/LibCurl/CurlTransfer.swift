import CCurl
import Synchronization

/// One request turned into a configured easy handle, plus what the callbacks collect.
/// The engine keeps the transfer (and so the callbacks' context) alive from `curl_multi_add_handle`
/// until `curl_multi_remove_handle`: the context pointers given to libcurl are unretained.
final class CurlTransfer: @unchecked Sendable {
    let id: UInt64
    let destination: String
    let easy: CurlEasy
    private var headerList: CurlStringList?
    private let maxResponseBytes: Int
    /// Set by the cancelling task, read by the engine thread.
    let cancelRequested = Atomic<Bool>(false)

    // Written only by libcurl's callbacks on the engine thread.
    private(set) var body: [UInt8] = []
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var exceededLimit = false

    private var completion: (@Sendable (Result<CurlResponse, CurlError>) -> Void)?

    init(id: UInt64, request: CurlRequest) throws(CurlError) {
        self.id = id
        destination = try Self.destination(of: request.url)
        maxResponseBytes = request.maxResponseBytes
        easy = try CurlEasy()
        try configure(request)
    }

    /// `scheme://host:port`, the unit of connection reuse and of the concurrency bound.
    static func destination(of url: String) throws(CurlError) -> String {
        let bytes = Array(url.utf8)
        let separator = Array("://".utf8)
        guard let schemeEnd = (0..<max(0, bytes.count - 2)).first(where: { bytes[$0..<($0 + 3)].elementsEqual(separator) }) else {
            throw CurlError(code: 3, kind: .invalidRequest, message: "URL using bad/illegal format or missing URL", detail: url)
        }
        let scheme = String(decoding: bytes[..<schemeEnd], as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw CurlError(code: 1, kind: .invalidRequest, message: "Unsupported protocol", detail: url)
        }
        let rest = bytes[(schemeEnd + 3)...]
        var authority = rest.prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) { authority = authority[(at + 1)...] }
        guard !authority.isEmpty else {
            throw CurlError(code: 3, kind: .invalidRequest, message: "URL using bad/illegal format or missing URL", detail: url)
        }
        let hasPort = authority.last != UInt8(ascii: "]") && authority.contains(UInt8(ascii: ":"))
        let host = String(decoding: authority, as: UTF8.self).lowercased()
        return "\(scheme)://\(host)" + (hasPort ? "" : (scheme == "https" ? ":443" : ":80"))
    }

    private func configure(_ request: CurlRequest) throws(CurlError) {
        try easy.set(CURLOPT_URL, request.url)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_NOSIGNAL, true)
        try easy.set(CURLOPT_FOLLOWLOCATION, false)
        try easy.set(CURLOPT_TCP_KEEPALIVE, true)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.milliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, request.totalTimeout.milliseconds)
        try configureTLS(request.tls)
        if !request.reuseConnection {
            try easy.set(CURLOPT_FRESH_CONNECT, true)
            try easy.set(CURLOPT_FORBID_REUSE, true)
        }

        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEFUNCTION, dataCallback: curlWriteBody)
        try easy.set(CURLOPT_WRITEDATA, pointer: context)
        try easy.set(CURLOPT_HEADERFUNCTION, dataCallback: curlWriteHeader)
        try easy.set(CURLOPT_HEADERDATA, pointer: context)

        // `Name:` with nothing after it tells libcurl to drop a header, so an empty value is
        // written `Name;`. The empty `Expect:` stops libcurl waiting for `100 Continue`.
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        let body: [UInt8]?
        switch request.body {
        case .none: body = nil
        case .bytes(let bytes): body = bytes
        case .multipart(let parts):
            let multipart = MultipartBody(parts)
            lines.append("Content-Type: \(multipart.contentType)")
            body = multipart.bytes
        }
        let list = CurlStringList(lines + ["Expect:"])
        try easy.set(CURLOPT_HTTPHEADER, list: list)
        headerList = list

        try configureBody(body, method: request.method.uppercased())
    }

    private func configureBody(_ body: [UInt8]?, method: String) throws(CurlError) {
        switch body {
        case .none where method == "POST", .some([]):
            // A zero-length POST: an empty copied body, never libcurl's default read-from-stdin.
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: 0)
            try easy.set(CURLOPT_COPYPOSTFIELDS, "")
        case .none:
            break
        case .some(let bytes):
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(bytes.count))
            // COPYPOSTFIELDS copies `POSTFIELDSIZE` bytes, so embedded NULs survive.
            let code = bytes.withUnsafeBytes { raw in
                lt_curl_setopt_pointer(easy.handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            }
            guard code == CURLE_OK else { throw CurlError(code, detail: "setting the request body") }
        }
        if method == "HEAD" {
            try easy.set(CURLOPT_NOBODY, true)
        } else if method != "POST" && !(method == "GET" && body == nil) {
            try easy.set(CURLOPT_CUSTOMREQUEST, method)
        }
    }

    private func configureTLS(_ tls: CurlTLSOptions) throws(CurlError) {
        try easy.set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        try easy.set(CURLOPT_SSL_VERIFYPEER, true)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        switch tls.trustedCAs {
        case .file(let path):
            try easy.set(CURLOPT_CAINFO, path)
            try easy.set(CURLOPT_CAPATH, nil as String?)   // the system directory must not add anchors
        case .pem(let bytes):
            try easy.set(CURLOPT_CAINFO, nil as String?)
            try easy.set(CURLOPT_CAPATH, nil as String?)
            try easy.set(CURLOPT_CAINFO_BLOB, blob: bytes)
        case nil:
            break
        }
        switch tls.clientCertificate {
        case .file(let path): try easy.set(CURLOPT_SSLCERT, path)
        case .pem(let bytes): try easy.set(CURLOPT_SSLCERT_BLOB, blob: bytes)
        case nil: break
        }
        if tls.clientCertificate != nil { try easy.set(CURLOPT_SSLCERTTYPE, "PEM") }
        switch tls.clientKey {
        case .file(let path): try easy.set(CURLOPT_SSLKEY, path)
        case .pem(let bytes): try easy.set(CURLOPT_SSLKEY_BLOB, blob: bytes)
        case nil: break
        }
        if tls.clientKey != nil { try easy.set(CURLOPT_SSLKEYTYPE, "PEM") }
        if let password = tls.clientKeyPassword { try easy.set(CURLOPT_KEYPASSWD, password) }
        if let pin = tls.pinnedPublicKey { try easy.set(CURLOPT_PINNEDPUBLICKEY, pin) }
    }

    // MARK: - Callbacks (engine thread only)

    fileprivate func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxResponseBytes else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = bytes[...]
        while let last = line.last, last == 0x0D || last == 0x0A { line = line.dropLast() }
        if line.starts(with: "HTTP/".utf8) {
            headers.removeAll()   // a new response begins (after 1xx): keep only the final one's headers
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        headers.append((String(decoding: Self.trimmed(line[..<colon]), as: UTF8.self),
                        String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)))
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }

    // MARK: - Completion (engine thread only)

    /// Called on the engine thread when the transfer ends.
    func attach(_ completion: @escaping @Sendable (Result<CurlResponse, CurlError>) -> Void) {
        self.completion = completion
    }

    func finish(_ code: CURLcode) {
        guard code == CURLE_OK else {
            if exceededLimit {
                finish(.failure(CurlError(code: Int(code.rawValue), kind: .responseTooLarge,
                                          message: "the reply exceeded \(maxResponseBytes) bytes")))
            } else {
                finish(.failure(CurlError(code, detail: easy.errorDetail)))
            }
            return
        }
        finish(.success(CurlResponse(
            status: easy.infoLong(CURLINFO_RESPONSE_CODE), headers: headers, body: body,
            newConnections: easy.infoLong(CURLINFO_NUM_CONNECTS), localPort: easy.infoLong(CURLINFO_LOCAL_PORT),
            totalTime: .microseconds(easy.infoOffset(CURLINFO_TOTAL_TIME_T)), completedAt: .now)))
    }

    func finish(_ result: Result<CurlResponse, CurlError>) {
        guard let completion else { return }
        self.completion = nil
        completion(result)
    }
}

private let curlWriteBody: lt_curl_data_callback = { pointer, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return transfer.appendBody(UnsafeRawBufferPointer(start: pointer, count: length)) ? length : 0
}

private let curlWriteHeader: lt_curl_data_callback = { pointer, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    transfer.appendHeaderLine(UnsafeRawBufferPointer(start: pointer, count: length))
    return length
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
