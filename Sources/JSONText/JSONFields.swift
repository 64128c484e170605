/// Where a JSON value does not fit the shape a reader expects, and how: `path` names the place as
/// `to[1].organId`.
public struct JSONShapeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        case missing
        case wrongType(expected: String)
        case unknownKey
    }

    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .missing: "'\(path)' is required"
        case .wrongType(let expected): "'\(path)' must be \(expected)"
        case .unknownKey: "'\(path)' is not part of the shape"
        }
    }
}

/// One JSON object read field by field against the keys its shape allows. A key the shape does
/// not know is refused when the object is opened: a decoder that ignored it would let a misspelt
/// `subjct` vanish without a word.
public struct JSONFields {
    public let fields: [String: JSONValue]
    public let path: String

    public init(_ value: JSONValue, at path: String, allowing keys: Set<String>) throws(JSONShapeError) {
        guard case .object(let fields) = value else { throw JSONShapeError(path: path, problem: .wrongType(expected: "an object")) }
        if !fields.keys.allSatisfy(keys.contains), let unknown = fields.keys.filter({ !keys.contains($0) }).min() {
            throw JSONShapeError(path: Self.join(path, unknown), problem: .unknownKey)
        }
        self.fields = fields
        self.path = path
    }

    /// The field read by `read`; nil when it is absent or null.
    public func optional<T>(_ key: String, _ read: JSONRead<T>) throws(JSONShapeError) -> T? {
        guard let value = fields[key], value != .null else { return nil }
        return try read.read(value, Self.join(path, key))
    }

    /// The field read by `read`, which must be there and not null.
    public func required<T>(_ key: String, _ read: JSONRead<T>) throws(JSONShapeError) -> T {
        guard let value = fields[key] else { throw JSONShapeError(path: Self.join(path, key), problem: .missing) }
        return try read.read(value, Self.join(path, key))
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}

/// How one JSON value becomes a `T`, or says at which path it does not fit.
public struct JSONRead<T>: Sendable {
    public let read: @Sendable (JSONValue, String) throws(JSONShapeError) -> T

    public static var string: JSONRead<String> {
        JSONRead<String> { value, path throws(JSONShapeError) in
            guard case .string(let text) = value else { throw JSONShapeError(path: path, problem: .wrongType(expected: "a string")) }
            return text
        }
    }

    /// A whole number, written `2`, `2.0` or `2e0`; a boolean is not one.
    public static var int: JSONRead<Int> {
        JSONRead<Int> { value, path throws(JSONShapeError) in
            switch value {
            case .int(let number): return number
            case .double(let number): if let whole = Int(exactly: number) { return whole }
            default: break
            }
            throw JSONShapeError(path: path, problem: .wrongType(expected: "a whole number"))
        }
    }

    public static var bool: JSONRead<Bool> {
        JSONRead<Bool> { value, path throws(JSONShapeError) in
            guard case .bool(let flag) = value else { throw JSONShapeError(path: path, problem: .wrongType(expected: "true or false")) }
            return flag
        }
    }

    public static func array<Element>(of element: JSONRead<Element>) -> JSONRead<[Element]> {
        JSONRead<[Element]> { value, path throws(JSONShapeError) in
            guard case .array(let items) = value else { throw JSONShapeError(path: path, problem: .wrongType(expected: "an array")) }
            var elements: [Element] = []
            elements.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                elements.append(try element.read(item, "\(path)[\(index)]"))
            }
            return elements
        }
    }

    /// An object with the given keys, made by `make` from its fields.
    public static func object(_ keys: Set<String>, _ make: @escaping @Sendable (JSONFields) throws(JSONShapeError) -> T) -> JSONRead<T> {
        JSONRead<T> { value, path throws(JSONShapeError) in
            try make(try JSONFields(value, at: path, allowing: keys))
        }
    }
}
