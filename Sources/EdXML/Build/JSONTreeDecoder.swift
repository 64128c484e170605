import Foundation

/// Decodes a `Decodable` from the tree `JSONSerialization` made, so a unit's JSON is parsed once:
/// the key check (`JSONKeyCheck`) and the attachment entries need that tree anyway, and
/// `JSONDecoder` parsing the same bytes again was 1 % of the whole network's CPU at 300
/// documents/s (docs/perf/exchange.md, session 17). Its errors are `DecodingError`s with the same
/// coding paths `JSONDecoder` reports; a number that is not a whole one where one is expected is a
/// type mismatch.
struct JSONTreeDecoder: Decoder {
    let value: Any
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let object = value as? [String: Any] else { throw JSONTree.mismatch([String: Any].self, value, codingPath) }
        return KeyedDecodingContainer(KeyedContainer(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let array = value as? [Any] else { throw JSONTree.mismatch([Any].self, value, codingPath) }
        return UnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
    }
}

/// How JSON values from `JSONSerialization` read as Swift scalars. On Linux `true` is an
/// `NSNumber` that also casts to `Int`, and `1.0` one that also casts to `Bool`, so booleans are
/// told apart by their class, never by a cast.
enum JSONTree {
    private static let booleanClass = ObjectIdentifier(type(of: NSNumber(value: true)))

    static func decode<T: Decodable>(_ type: T.Type, from value: Any, at path: [any CodingKey]) throws -> T {
        if value is NSNull { throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "found null")) }
        switch type {
        case is String.Type:
            guard let string = value as? String else { throw mismatch(type, value, path) }
            return string as! T
        case is Bool.Type:
            guard let number = value as? NSNumber, isBoolean(number) else { throw mismatch(type, value, path) }
            return number.boolValue as! T
        case let integer as any FixedWidthInteger.Type:
            guard let number = value as? NSNumber, !isBoolean(number), let whole = wholeNumber(number),
                  let converted = integer.init(exactly: whole) else {
                throw mismatch(type, value, path)
            }
            return converted as! T
        case is Double.Type:
            guard let number = value as? NSNumber, !isBoolean(number) else { throw mismatch(type, value, path) }
            return number.doubleValue as! T
        case is Float.Type:
            guard let number = value as? NSNumber, !isBoolean(number) else { throw mismatch(type, value, path) }
            return number.floatValue as! T
        default:
            return try T(from: JSONTreeDecoder(value: value, codingPath: path))
        }
    }

    static func isBoolean(_ number: NSNumber) -> Bool { ObjectIdentifier(type(of: number)) == booleanClass }

    private static func wholeNumber(_ number: NSNumber) -> Int? {
        switch String(cString: number.objCType) {
        case "d", "f": Int(exactly: number.doubleValue)
        case "Q": Int(exactly: number.uint64Value)
        default: Int(exactly: number.int64Value)
        }
    }

    static func mismatch(_ type: Any.Type, _ value: Any, _ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path, debugDescription: "found \(Swift.type(of: value))"))
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: Any]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key) is NSNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decode(type, key) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type, key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONTreeDecoder(value: try value(for: key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONTreeDecoder(value: try value(for: key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { JSONTreeDecoder(value: object, codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONTreeDecoder(value: object[key.stringValue] ?? NSNull(), codingPath: codingPath + [key])
    }

    /// The one body behind every `decode`: the typed overloads cannot call the generic one
    /// without calling themselves.
    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try JSONTree.decode(type, from: try value(for: key), at: codingPath + [key])
    }

    private func value(for key: Key) throws -> Any {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
        }
        return value
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let array: [Any]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(array: [Any], codingPath: [any CodingKey]) {
        self.array = array
        self.codingPath = codingPath
    }

    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw end(NSNull.self) }
        if array[currentIndex] is NSNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decode(type, generic: ()) }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decode(type, generic: ()) }
    mutating func decode(_ type: String.Type) throws -> String { try decode(type, generic: ()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decode(type, generic: ()) }
    mutating func decode(_ type: Float.Type) throws -> Float { try decode(type, generic: ()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try decode(type, generic: ()) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decode(type, generic: ()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decode(type, generic: ()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decode(type, generic: ()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decode(type, generic: ()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decode(type, generic: ()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(type, generic: ()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(type, generic: ()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(type, generic: ()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(type, generic: ()) }

    private mutating func decode<T: Decodable>(_ type: T.Type, generic: Void) throws -> T {
        guard !isAtEnd else { throw end(type) }
        let value = try JSONTree.decode(type, from: array[currentIndex], at: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        guard !isAtEnd else { throw end([String: Any].self) }
        let container = try JSONTreeDecoder(value: array[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
            .container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard !isAtEnd else { throw end([Any].self) }
        let container = try JSONTreeDecoder(value: array[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
            .unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        guard !isAtEnd else { throw end(Any.self) }
        defer { currentIndex += 1 }
        return JSONTreeDecoder(value: array[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
    }

    private func end(_ type: Any.Type) -> DecodingError {
        .valueNotFound(type, .init(codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "the array has no more values"))
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let value: Any
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value is NSNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: Bool.Type) throws -> Bool { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: String.Type) throws -> String { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try JSONTree.decode(type, from: value, at: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try JSONTree.decode(type, from: value, at: codingPath) }
}
