/// ASCII text work on the bytes of a request's headers (multipart part headers, their
/// parameters), shared by the unit API's and the bus's multipart readers. Only ASCII bytes are
/// looked at or changed, so UTF-8 text passes through untouched.
extension ArraySlice<UInt8> {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpacesAndTabs: ArraySlice<UInt8> {
        var slice = self
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }

    /// With ASCII capitals lowered.
    var asciiLowercased: [UInt8] {
        map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
    }
}
