import CCurl

/// An owned `CURL *` easy handle with typed option setters. One transfer uses it at a time; the
/// multi engine's thread is the only one touching it while the transfer runs.
final class CurlEasy: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: libcurl writes a precise sentence here on failure.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(CurlError) {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else {
            throw CurlError(code: 0, kind: .other, message: "curl_easy_init failed (out of memory)")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try check(lt_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    var errorDetail: String { String(cString: errorBuffer) }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(lt_curl_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(CurlError) {
        try set(option, value ? 1 : 0)
    }

    /// libcurl copies string options (since 7.17), so the Swift string need only live for the call.
    func set(_ option: CURLoption, _ value: String?) throws(CurlError) {
        let code: CURLcode
        if let value {
            code = value.withCString { lt_curl_setopt_string(handle, option, $0) }
        } else {
            code = lt_curl_setopt_string(handle, option, nil)
        }
        try check(code, option)
    }

    func set(_ option: CURLoption, offset value: Int64) throws(CurlError) {
        try check(lt_curl_setopt_off_t(handle, option, curl_off_t(value)), option)
    }

    func set(_ option: CURLoption, list: CurlStringList) throws(CurlError) {
        try check(lt_curl_setopt_slist(handle, option, list.head), option)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(lt_curl_setopt_pointer(handle, option, pointer), option)
    }

    /// A `struct curl_blob` option with CURL_BLOB_COPY: libcurl keeps its own copy.
    func set(_ option: CURLoption, blob: [UInt8]) throws(CurlError) {
        let code = blob.withUnsafeBytes { lt_curl_setopt_blob_copy(handle, option, $0.baseAddress, $0.count) }
        try check(code, option)
    }

    func set(_ option: CURLoption, dataCallback: lt_curl_data_callback) throws(CurlError) {
        try check(lt_curl_setopt_data_callback(handle, option, dataCallback), option)
    }

    func set(_ option: CURLoption, progressCallback: lt_curl_xferinfo_callback) throws(CurlError) {
        try check(lt_curl_setopt_xferinfo_callback(handle, option, progressCallback), option)
    }

    func infoLong(_ info: CURLINFO) -> Int {
        var value = 0
        return lt_curl_getinfo_long(handle, info, &value) == CURLE_OK ? value : 0
    }

    func infoOffset(_ info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        return lt_curl_getinfo_off_t(handle, info, &value) == CURLE_OK ? Int64(value) : 0
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlError) {
        guard code == CURLE_OK else {
            throw CurlError(code: Int(code.rawValue), kind: .invalidRequest,
                            message: String(cString: curl_easy_strerror(code)),
                            detail: "setting option \(option.rawValue)")
        }
    }
}
