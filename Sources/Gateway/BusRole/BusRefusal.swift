import EdXML

/// A VDXP call the bus refuses: answered `{"status": "FAIL", "ErrorCode": <reason code>,
/// "ErrorDesc": <sentence>}`. The codes are stable (docs/bus.md).
struct BusRefusal: ReasonCoded, Sendable {
    let reasonCode: String
    let explanation: String

    init(_ reasonCode: String, _ explanation: String) {
        self.reasonCode = reasonCode
        self.explanation = explanation
    }

    static func header(_ name: String, _ problem: String) -> BusRefusal {
        BusRefusal("bus.header_invalid", "the header \(name) \(problem)")
    }
}
