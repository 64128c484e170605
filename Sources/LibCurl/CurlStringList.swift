import CCurl

/// An owned `curl_slist` (request headers). libcurl reads it during the transfer, so the list
/// must outlive the easy handle's use of it: the transfer keeps its lists until it ends.
final class CurlStringList: @unchecked Sendable {
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    init(_ lines: [String] = []) {
        for line in lines { append(line) }
    }

    func append(_ line: String) {
        // curl_slist_append copies the string; on allocation failure it returns NULL and
        // leaves the old list intact, which we keep rather than leak.
        if let grown = curl_slist_append(head, line) { head = grown }
    }

    deinit { curl_slist_free_all(head) }
}
