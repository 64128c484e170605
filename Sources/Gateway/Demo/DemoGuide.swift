import Foundation

/// What `lienthong demo` prints once the network listens: the machine-readable `ready` line,
/// then the few commands that send a document from one agency to the other.
public enum DemoGuide {
    public static func readyLine(_ ready: DemoNetwork.Ready) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(ready)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "ready \(json)"
    }

    public static func text(_ ready: DemoNetwork.Ready, dataDirectory: String) -> String {
        guard ready.gateways.count >= 2 else { return "" }
        let (a, b) = (ready.gateways[0], ready.gateways[1])
        return """

        The demo network is up: a bus at \(ready.bus) and the gateways of \(a.organId) and \(b.organId).
        Data (PKI, configurations, stores): \(dataDirectory)\(ready.console.map { "\nOperator console: \($0) (account and password in \(dataDirectory)/tokens.json)" } ?? "")

        Send a document from \(a.organId) to \(b.organId):

          curl -s \(a.api)/v1/documents -H 'Authorization: Bearer \(a.token)' \\
            -H 'Content-Type: application/json' -d '{
              "from": {"organId": "\(a.organId)", "organName": "Văn phòng \(a.organId)"},
              "to": [{"organId": "\(b.organId)", "organName": "Văn phòng \(b.organId)"}],
              "code": {"number": "1", "notation": "VP-DEMO"},
              "promulgation": {"place": "Hà Nội", "date": "\(today())"},
              "type": {"type": 1, "name": "Công văn"},
              "subject": "Văn bản thử nghiệm qua trục liên thông",
              "content": "Nội dung văn bản thử nghiệm."}'

        Follow it (use the "id" the answer gave):   curl -s \(a.api)/v1/documents/ID -H 'Authorization: Bearer \(a.token)'
        See it arrive at \(b.organId):                 curl -s \(b.api)/v1/inbox -H 'Authorization: Bearer \(b.token)'
        Acknowledge it, then accept it (status 03):
          curl -s -X POST \(b.api)/v1/inbox/ID/ack -H 'Authorization: Bearer \(b.token)'
          curl -s -X POST \(b.api)/v1/inbox/ID/status -H 'Authorization: Bearer \(b.token)' \\
            -H 'Content-Type: application/json' -d '{"code": "03", "description": "Đã tiếp nhận"}'

        Stop with Ctrl-C; the next `lienthong demo --data \(dataDirectory)` resumes where this one stopped.
        """
    }

    private static func today() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy/MM/dd"
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return formatter.string(from: Date())
    }
}
