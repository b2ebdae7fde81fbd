import Foundation
import Testing

/// The walls of the house (../shared/ARCHITECTURE.md), checked on every change so they stay up:
/// which module may import which. A rule broken here names the file and the import.
@Suite struct ImportRulesTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every `import X` of every Swift file, by module (the folder under Sources).
    static func imports() throws -> [(module: String, file: String, imported: String)] {
        var found: [(String, String, String)] = []
        let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let relative = String(url.path.dropFirst(sources.path.count + 1))
            let module = String(relative.prefix { $0 != "/" })
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(of: "import"), words[..<i].allSatisfy({ $0.hasPrefix("@") }), i + 1 < words.count else { continue }
                found.append((module, relative, String(words[i + 1])))
            }
        }
        return found
    }

    static func importers(of module: String) throws -> [(module: String, file: String)] {
        try imports().filter { $0.imported == module }.map { ($0.module, $0.file) }
    }

    @Test func theHTTPServerIsImportedOnlyByTheHubAndWhatServesIt() throws {
        // The hub, the CLI's `serve`, and the benchmark's hub.
        let allowed: Set<String> = ["HTTP", "Hub", "TianbaoCLI", "TianbaoBench"]
        for (module, file) in try Self.importers(of: "HTTP") {
            #expect(allowed.contains(module), "\(file) imports HTTP")
            if module == "TianbaoCLI" { #expect(file.hasSuffix("HubCommands.swift"), "\(file) imports HTTP: only `serve` may") }
        }
    }

    @Test func replicationKnowsNothingOfJSONFilesOrNetworks() throws {
        for (module, file, imported) in try Self.imports() where module == "Replication" {
            #expect(["SQLite", "Foundation", "Synchronization"].contains(imported), "\(file) imports \(imported)")
        }
    }

    @Test func theProtocolAndHTTPStayApart() throws {
        for (module, file, imported) in try Self.imports() {
            if module == "SyncProtocol" { #expect(imported != "HTTP", "\(file) imports HTTP") }
            if module == "HTTP" { #expect(!["SyncProtocol", "JSON", "Hub"].contains(imported), "\(file) imports \(imported): HTTP carries bytes") }
            if module == "SyncClient" { #expect(imported != "HTTP", "\(file) imports the HTTP server") }
        }
    }

    /// SQLite belongs to SQLite, Replication and the hub's store (and the benchmarks, which measure
    /// it raw as their reference). The files that still reach past the store are listed as they
    /// stand; the list may only shrink.
    @Test func sqliteStaysBehindTheStore() throws {
        let home: Set<String> = ["SQLite", "Replication", "Hub", "TianbaoBench"]
        let stillLeaking: Set<String> = []
        var leaking: Set<String> = []
        for (module, file) in try Self.importers(of: "SQLite") where !home.contains(module) {
            #expect(stillLeaking.contains(file), "\(file) imports SQLite: reach the data through the store instead")
            leaking.insert(file)
        }
        #expect(leaking == stillLeaking, "SQLite no longer leaks into \(stillLeaking.subtracting(leaking).sorted()): take it off the list")
    }
}
