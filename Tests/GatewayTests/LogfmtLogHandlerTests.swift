import Gateway
import Logging
import Synchronization
import Testing

@Suite("logfmt log lines")
struct LogfmtLogHandlerTests {
    final class Lines: Sendable {
        let captured = Mutex<[String]>([])
    }

    @Test("one event is one line: message quoted when needed, metadata sorted, message_id carried")
    func oneLinePerEvent() {
        let lines = Lines()
        var logger = Logger(label: "gateway") { label in
            LogfmtLogHandler(label: label, level: .info) { line in lines.captured.withLock { $0.append(line) } }
        }
        logger[metadataKey: "unit"] = "office"
        logger.info("delivered\nto \"bus\"", metadata: ["message_id": "m-42", "attempt": "3"])
        logger.debug("not shown below the level")
        let captured = lines.captured.withLock { $0 }
        #expect(captured.count == 1)
        let line = captured[0]
        #expect(line.hasPrefix("ts="))
        #expect(line.hasSuffix(" level=info label=gateway msg=\"delivered\\nto \\\"bus\\\"\" attempt=3 message_id=m-42 unit=office\n"))
        #expect(line.dropLast().contains("\n") == false)
    }
}
