/// A JSON value with its type known, as the gateway writes it and as `JSONParser` reads it.
/// Writing one casts nothing: the replies were built as `[String: Any]`, and writing one cast
/// every value back out of `Any` and every nested dictionary and array into a copy (2.7 % of a
/// gateway's CPU per submission for the small document reference alone, 1.8 % of the bus's for
/// its replies). A number is `int` when it is written without a fraction or an exponent and
/// fits, else `double`.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
                     ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
