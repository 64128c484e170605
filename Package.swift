// swift-tools-version:6.1
import PackageDescription

// Data flows down this list and never back up:
//   C libraries → safe wrappers (LibXML, LibCrypto, LibCurl) → EdXML → XMLDSig → Store → Relay → lienthong
let package = Package(
    name: "lienthong",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lienthong", targets: ["lienthong"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.4.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries from Debian's -dev packages, with tiny shims for what Swift cannot call.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Safe Swift types that own the C handles. Nothing above this layer sees an OpaquePointer.
        .target(name: "LibXML", dependencies: ["CLibXML2"]),
        .target(name: "LibCrypto", dependencies: ["COpenSSL"]),
        .target(name: "LibCurl", dependencies: ["CCurl"]),
        .target(name: "LibZlib", dependencies: ["CZlib"]),
        // JSON read strictly and written with sorted keys; pure Swift.
        .target(name: "JSONText"),
        // Child processes by posix_spawn (Foundation's Process over-reads on Linux; see the type).
        .systemLibrary(name: "CSpawn", path: "Sources/CSpawn"),
        .target(name: "Spawn", dependencies: ["CSpawn"]),
        // glibc's allocator controls: a daemon keeps its freed large blocks (see HeapRetention).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "LibMalloc", dependencies: ["CMalloc"]),

        // The domain, bottom to top.
        .target(name: "EdXML", dependencies: ["LibXML", "LibCrypto", "JSONText"]),
        .target(name: "XMLDSig", dependencies: ["EdXML", "LibXML", "LibCrypto"]),
        // A SQLite VFS shim in C (header only): a WAL transaction's frames written with one call.
        .systemLibrary(name: "CSQLiteWAL", path: "Sources/CSQLiteWAL"),
        .target(name: "SQLiteWAL", dependencies: ["CSQLiteWAL"]),
        .target(name: "Store", dependencies: [
            "EdXML", "LibCrypto", "SQLiteWAL",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Relay", dependencies: [
            "Store", "EdXML", "LibCurl", "LibCrypto", "JSONText",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The daemon: configuration, doctor, HTTP listeners, lifecycle. Nothing imports it but the executable.
        .target(name: "Gateway", dependencies: [
            "Store", "Relay", "EdXML", "XMLDSig", "LibXML", "LibCrypto", "LibZlib", "LibMalloc", "JSONText",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "lienthong", dependencies: [
            "Gateway", "EdXML", "XMLDSig", "Store", "Relay", "LibCrypto", "LibXML", "LibCurl", "Spawn",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Tests. TestSupport finds the shared samples, the built binary and free ports.
        .target(name: "TestSupport", dependencies: ["Spawn"], path: "Tests/TestSupport"),
        .testTarget(name: "LibXMLTests", dependencies: ["LibXML", "TestSupport", "LibXMLFirstUseWorker"]),
        // The child process whose first libxml2 calls run on several threads at once.
        .executableTarget(name: "LibXMLFirstUseWorker", dependencies: ["LibXML"], path: "Tests/LibXMLFirstUseWorker"),
        .testTarget(name: "SpawnTests", dependencies: ["Spawn"]),
        .testTarget(name: "JSONTextTests", dependencies: ["JSONText"]),
        .testTarget(name: "LibMallocTests", dependencies: ["LibMalloc", "TestSupport", "HeapRetentionWorker"]),
        // The child process that churns large blocks on one thread, with and without the retention.
        .executableTarget(name: "HeapRetentionWorker", dependencies: ["LibMalloc"], path: "Tests/HeapRetentionWorker"),
        .testTarget(name: "EdXMLTests", dependencies: ["EdXML", "LibXML", "LibCrypto", "TestSupport"]),
        .testTarget(name: "XMLDSigTests", dependencies: ["XMLDSig", "EdXML", "LibCrypto", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: [
            "Store", "SQLiteWAL", "Spawn", "TestSupport", "StoreCrashWorker", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The child process the store's SIGKILL test starts and kills.
        .executableTarget(name: "StoreCrashWorker", dependencies: ["Store"], path: "Tests/StoreCrashWorker"),
        .testTarget(name: "RelayTests", dependencies: [
            "Relay", "Store", "LibCurl", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "CLITests", dependencies: ["lienthong", "Store", "TestSupport", "Spawn"]),
        .testTarget(name: "GatewayTests", dependencies: [
            "Gateway", "EdXML", "TestSupport", "XMLDSig", "Store", "Relay", "LibCrypto", "Spawn",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // A bus and two gateways as separate `lienthong serve` processes.
        .testTarget(name: "EndToEndTests", dependencies: [
            "Gateway", "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        // The bus role: the real VDXP client over real TLS against the bus API, a push endpoint, the agency CLI.
        .testTarget(name: "BusTests", dependencies: [
            "Gateway", "Relay", "Store", "XMLDSig", "EdXML", "LibCrypto", "TestSupport", "lienthong", "Spawn",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ConsoleTests", dependencies: [
            "Gateway", "Store", "EdXML", "LibCrypto", "TestSupport", "Spawn",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
