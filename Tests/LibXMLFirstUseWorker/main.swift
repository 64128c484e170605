import Foundation
import LibXML
import Synchronization

// The child process of `LibXMLTests.FirstUseTests`: its first libxml2 calls are schema
// compilations on several threads released at once, the way two tests started together in a
// fresh test process (CI, session 14). Prints `ok` when every thread finished.
let threads = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8
let schema = Array("""
    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:element name="a" type="xs:string"/>
    </xs:schema>
    """.utf8)
// Every thread spins until all are running, so their first calls meet.
let ready = Atomic<Int>(0)
let finished = DispatchGroup()
for _ in 0..<threads {
    finished.enter()
    Thread {
        ready.add(1, ordering: .sequentiallyConsistent)
        while ready.load(ordering: .sequentiallyConsistent) < threads {}
        _ = try? XMLSchema(bytes: schema)
        finished.leave()
    }.start()
}
finished.wait()
print("ok")
