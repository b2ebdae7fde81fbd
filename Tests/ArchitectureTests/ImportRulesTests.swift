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
        // The hub and the CLI's `serve`.
        let allowed: Set<String> = ["HTTP", "Hub", "TianbaoCLI"]
        for (module, file) in try Self.importers(of: "HTTP") {
            #expect(allowed.contains(module), "\(file) imports HTTP")
            if module == "TianbaoCLI" { #expect(file.hasSuffix("HubCommands.swift"), "\(file) imports HTTP: only `serve` may") }
        }
    }

    @Test func replicationKnowsNothingOfJSONFilesOrNetworks() throws {
        // Crypto: an attached file's parts are checked against the hash that names it. Messages: what
        // the store says of text it cannot keep is said in the reader's language.
        for (module, file, imported) in try Self.imports() where module == "Replication" {
            #expect(["SQLite", "Foundation", "Crypto", "Messages"].contains(imported), "\(file) imports \(imported)")
        }
    }

    /// Only the hub's store reaches the replica store's connection (`@_spi(SharedFile)`).
    @Test func theStoresConnectionIsSharedOnlyWithTheHubsStore() throws {
        let text = try String(contentsOf: Self.sources.appendingPathComponent("Hub/HubDatabase.swift"), encoding: .utf8)
        #expect(text.contains("@_spi(SharedFile) import Replication"))
        let enumerator = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift", !url.path.hasSuffix("Hub/HubDatabase.swift"), !url.path.contains("/Replication/") else { continue }
            #expect(!(try String(contentsOf: url, encoding: .utf8)).contains("@_spi(SharedFile)"), "\(url.lastPathComponent) reaches the store's connection")
        }
    }

    @Test func theProtocolAndHTTPStayApart() throws {
        for (module, file, imported) in try Self.imports() {
            if module == "SyncProtocol" { #expect(imported != "HTTP", "\(file) imports HTTP") }
            if module == "HTTP" { #expect(!["SyncProtocol", "JSON", "Hub"].contains(imported), "\(file) imports \(imported): HTTP carries bytes") }
            if module == "SyncClient" { #expect(imported != "HTTP", "\(file) imports the HTTP server") }
        }
    }

    /// SQLite belongs to SQLite, Replication and the hub's store (`Hub/HubDatabase.swift`), nowhere
    /// else in what ships. (The benchmarks, under Tests/, measure it raw as their reference.)
    @Test func sqliteStaysBehindTheStore() throws {
        let home: Set<String> = ["SQLite", "Replication", "Hub/HubDatabase.swift"]
        let stillLeaking: Set<String> = []
        var leaking: Set<String> = []
        for (module, file) in try Self.importers(of: "SQLite") where !home.contains(module) && !home.contains(file) {
            #expect(stillLeaking.contains(file), "\(file) imports SQLite: reach the data through the store instead")
            leaking.insert(file)
        }
        #expect(leaking == stillLeaking, "SQLite no longer leaks into \(stillLeaking.subtracting(leaking).sorted()): take it off the list")
    }
}
