import CCurl

/// `curl_global_init` must run once, before any handle exists, and is not safe to race:
/// a `static let` gives exactly that.
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(lt_CURL_GLOBAL_DEFAULT()) == CURLE_OK

    static func ensureInitialized() {
        precondition(initialized, "curl_global_init failed")
    }

    /// The libcurl version string, e.g. `libcurl/7.88.1 OpenSSL/3.0.19 …`.
    static var version: String { String(cString: curl_version()) }
}

/// What libcurl this process runs on, for `doctor` and benchmark reports.
public var curlVersion: String {
    CurlGlobal.ensureInitialized()
    return CurlGlobal.version
}
