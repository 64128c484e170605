import CCurl

/// An owned `curl_mime` (a multipart/form-data body) bound to one easy handle. The handle must
/// outlive the mime only while the transfer runs; we free the mime first (in the transfer's deinit
/// order: mime, then lists, then handle) as libcurl requires.
final class CurlMime: @unchecked Sendable {
    private let mime: OpaquePointer
    /// The easy handle the parts were created for; kept alive as long as the mime.
    private let easy: CurlEasy

    init(for easy: CurlEasy) throws(CurlError) {
        guard let mime = curl_mime_init(easy.handle) else {
            throw CurlError(code: 0, kind: .other, message: "curl_mime_init failed (out of memory)")
        }
        self.mime = mime
        self.easy = easy
    }

    deinit { curl_mime_free(mime) }

    /// Adds one part. `curl_mime_data`, `_name`, `_filename` and `_type` copy their arguments.
    func addPart(_ part: MultipartPart) throws(CurlError) {
        guard let handle = curl_mime_addpart(mime) else {
            throw CurlError(code: 0, kind: .other, message: "curl_mime_addpart failed (out of memory)")
        }
        try check(curl_mime_name(handle, part.name))
        let code = part.data.withUnsafeBytes { bytes in
            curl_mime_data(handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        try check(code)
        if let fileName = part.fileName { try check(curl_mime_filename(handle, fileName)) }
        if let contentType = part.contentType { try check(curl_mime_type(handle, contentType)) }
    }

    func attach() throws(CurlError) {
        let code = lt_curl_setopt_pointer(easy.handle, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime))
        try check(code)
    }

    private func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(code, detail: "building the multipart body") }
    }
}
