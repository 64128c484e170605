import JSONText

/// The unit API's small JSON bodies (a status report, a recall) read as strictly as a
/// document's JSON: by `JSONParser` (a key twice in one object is refused), then each object
/// against the keys its shape allows, so a misspelt `descripton` is refused instead of leaving
/// a status without its reason.
enum UnitRequestJSON {
    static func read<T>(_ body: some Sequence<UInt8>, as shape: JSONRead<T>) throws(Problem) -> T {
        let value: JSONValue
        do {
            value = try JSONParser().parse(body)
        } catch {
            throw Problem.invalidRequest("the body is not JSON: \(error)")
        }
        do {
            return try shape.read(value, "")
        } catch {
            throw Problem.invalidRequest("the JSON body does not have the expected shape: \(error)")
        }
    }
}

extension StatusReport {
    static let read = JSONRead<StatusReport>.object(["code", "description", "staff"]) { f throws(JSONShapeError) in
        StatusReport(code: try f.required("code", .string), description: try f.optional("description", .string),
                     staff: try f.optional("staff", Staff.read))
    }
}

extension StatusReport.Staff {
    static let read = JSONRead<Self>.object(["department", "staff", "mobile", "email"]) { f throws(JSONShapeError) in
        Self(department: try f.optional("department", .string), staff: try f.optional("staff", .string),
             mobile: try f.optional("mobile", .string), email: try f.optional("email", .string))
    }
}

extension RecallRequest {
    static let read = JSONRead<RecallRequest>.object(["reason"]) { f throws(JSONShapeError) in
        RecallRequest(reason: try f.required("reason", .string))
    }
}
