// swift-tools-version:6.0
import PackageDescription

// Tianbao builds with nothing but the Swift toolchain and Debian's -dev packages:
// no Swift package dependencies, C libraries only as system library targets.
let package = Package(
    name: "Tianbao",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Replication", targets: ["Replication"]),
        .library(name: "Submissions", targets: ["Submissions"]),
        .executable(name: "tianbao", targets: ["tianbao"]),
        .executable(name: "tianbao-bench", targets: ["TianbaoBench"]),
        .executable(name: "tianbao-fuzz", targets: ["TianbaoFuzz"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .target(name: "Messages"),
        .target(name: "JSON"),
        .target(name: "GzipCodec", dependencies: ["CZlib"]),
        .target(name: "HTTP", dependencies: ["GzipCodec"]),
        .target(name: "SyncProtocol", dependencies: ["Messages", "Replication", "Crypto", "JSON"]),
        .target(name: "Hub", dependencies: ["Messages", "HTTP", "JSON", "SyncProtocol", "Submissions", "Replication", "SQLite", "Crypto"]),
        .target(name: "SyncClient", dependencies: ["Messages", "SyncProtocol", "JSON", "Replication", "GzipCodec", "Crypto"]),
        .target(name: "Crypto", dependencies: ["CCrypto"]),
        .target(name: "Replication", dependencies: ["Messages", "SQLite", "Crypto"]),
        .target(
            name: "Submissions",
            dependencies: ["Messages", "Replication", "SyncProtocol", "Crypto", "JSON", "GzipCodec"],
            resources: [.copy("Resources")]
        ),
        .target(name: "TianbaoCLI", dependencies: ["Messages", "Hub", "SyncClient", "SyncProtocol", "Submissions", "Replication", "SQLite", "HTTP", "Crypto", "JSON"]),
        .executableTarget(name: "tianbao", dependencies: ["TianbaoCLI"]),
        // The benchmarks (Tests/README.md): an instrument beside the tests, not part of what ships, so
        // it may measure the server and raw SQLite directly.
        .executableTarget(name: "TianbaoBench", dependencies: ["Hub", "SyncClient", "SyncProtocol", "Crypto", "JSON", "Submissions", "HTTP", "Replication", "SQLite", "GzipCodec", "Messages"], path: "Tests/Bench"),
        .target(name: "TestSupport", dependencies: ["Replication", "SyncProtocol", "JSON", "Crypto", "SQLite"], path: "Tests/TestSupport"),
        // Fuzz targets (Tests/README.md): replayed by FuzzTests, run by libFuzzer through tianbao-fuzz.
        .target(name: "FuzzTargets", dependencies: ["HTTP", "GzipCodec", "JSON", "SyncProtocol", "Replication", "Submissions", "Crypto"], path: "Tests/Fuzz/Targets"),
        .systemLibrary(name: "CLibFuzzer", path: "Tests/Fuzz/CLibFuzzer"),
        .executableTarget(name: "TianbaoFuzz", dependencies: ["FuzzTargets", "CLibFuzzer"], path: "Tests/Fuzz/Runner"),

        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "CLITests", dependencies: ["TianbaoCLI", "Hub", "Replication", "SQLite", "Submissions", "SyncProtocol", "Crypto", "HTTP", "GzipCodec", "TestSupport"]),
        .testTarget(name: "SyncProtocolTests", dependencies: ["SyncProtocol", "SyncClient", "Crypto", "JSON", "Replication", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "GzipCodec", "TestSupport"]),
        .testTarget(name: "GzipCodecTests", dependencies: ["GzipCodec", "TestSupport"]),
        .testTarget(name: "HubTests", dependencies: ["Hub", "SyncClient", "SyncProtocol", "HTTP", "GzipCodec", "Submissions", "Replication", "SQLite", "TestSupport", "Crypto", "JSON"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"]),
        .testTarget(name: "SubmissionsTests", dependencies: ["Submissions", "JSON", "Replication", "SQLite", "GzipCodec", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ReplicationTests", dependencies: ["Replication", "SQLite", "TestSupport"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets", "TestSupport"]),
        .testTarget(name: "ArchitectureTests"),
        .testTarget(name: "MessagesTests", dependencies: ["Messages"]),
    ],
    swiftLanguageModes: [.v6]
)

// One place for the strictness every Swift target shares.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
