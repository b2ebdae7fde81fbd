import JSON
import Messages
import Crypto
import Foundation
import Replication
import Submissions
import SyncClient

/// A replica's folder: its store, its configuration, and its token (readable by its owner only).
struct ReplicaDirectory {
    let path: String

    /// `--dir`, else `$TIANBAO_DIR`, else `./.tianbao`.
    init(_ invocation: Invocation) {
        path = invocation.option("dir") ?? invocation.environment["TIANBAO_DIR"] ?? ".tianbao"
    }

    var storePath: String { "\(path)/replica.sqlite" }
    var configPath: String { "\(path)/config.json" }
    var tokenPath: String { "\(path)/token" }
    var lockPath: String { "\(path)/sync.lock" }
    /// The replica's Ed25519 private key (64 hex digits), made on this machine, readable by its owner only.
    var signingKeyPath: String { "\(path)/signing.key" }

    struct Config: Codable {
        var hub: String
        var replica: String
        var org: String
        var role: String
        var name: String?
        /// The private CA this replica trusts for its hub (a file in the replica's folder), when the
        /// hub's certificate is not signed by a CA of the system's trust store.
        var caFile: String?
    }

    var caPath: String { path + "/hub-ca.pem" }

    /// The CA file the config names, as a path to read.
    func caFile(_ config: Config) -> String? { caFile(named: config.caFile) }

    /// A CA file's name as the config keeps it (in the replica's folder unless absolute), as a path to read.
    func caFile(named name: String?) -> String? {
        name.map { $0.hasPrefix("/") ? $0 : path + "/" + $0 }
    }

    /// Keeps a copy of the CA file `source` in the replica's folder, so the replica does not depend
    /// on where the file was when it was given. Checked first: it must hold a PEM certificate.
    func keepCA(from source: String, as name: String = "hub-ca.pem") throws -> String {
        guard let data = FileManager.default.contents(atPath: source) else {
            throw CLIFailure(Message.cannotRead.text(source), hint: Message.caFileHint.text(), code: .noInput)
        }
        guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw CLIFailure(Message.caFileNotPEM.text(source), hint: Message.caFileHint.text(), code: .data)
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let target = path + "/" + name
        try? FileManager.default.removeItem(atPath: target)
        guard FileManager.default.createFile(atPath: target, contents: data, attributes: [.posixPermissions: 0o644]) else {
            throw CLIFailure(Message.cannotWrite.text(target, ""), code: .io)
        }
        return name
    }

    var exists: Bool { FileManager.default.fileExists(atPath: configPath) }

    func config() throws -> Config {
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw CLIFailure(Message.noReplica.text(path), hint: Message.noReplicaHint.text(), code: .noInput)
        }
        guard let config = Config(json: Array(data)) else {
            throw CLIFailure(Message.damaged.text(configPath), hint: Message.configDamagedHint.text(), code: .data)
        }
        return config
    }

    func token() throws -> String {
        guard let data = FileManager.default.contents(atPath: tokenPath) else {
            throw CLIFailure(Message.noToken.text(tokenPath), hint: Message.noTokenHint.text(), code: .noInput)
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The replica's signing key, made on first use (a replica from a build before keys gets one
    /// at its next sync, and registers it with the hub then).
    func signingKey() throws -> [UInt8] {
        try SecretFile.signingKey(signingKeyPath, damaged: CLIFailure(Message.damaged.text(signingKeyPath),
                                                                     hint: Message.keyDamagedHint.text(), code: .data))
    }

    /// What signs this replica's pushes and bundles.
    func signer() throws -> SyncClient.Signer {
        do { return try SyncClient.Signer(privateKey: try signingKey(), token: try token()) } catch let failure as CLIFailure { throw failure } catch {
            throw CLIFailure(Message.secretsDamaged.text(), hint: Message.secretsDamagedHint.text(), code: .data)
        }
    }

    func write(_ config: Config, token: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try writeConfig(config)
        try SecretFile.write(tokenPath, token)
    }

    /// The config alone, written whole or not at all (another command may be reading it).
    func writeConfig(_ config: Config) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(config).write(to: URL(fileURLWithPath: configPath), options: .atomic)
    }

    func openStore(replica: ReplicaID? = nil) throws -> ReplicaStore {
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.newReplicaID = replica
        return try ReplicaStore(path: storePath, configuration: configuration)
    }

    /// Derives the tables' rows of what a sync, an import or a first clone just brought, so the
    /// first table compiled afterwards reads rows instead of every record. Best effort: a failure
    /// here leaves the work to the next compile and never fails what brought the records.
    func deriveTables(_ invocation: Invocation, store: ReplicaStore) {
        try? workspace(invocation, store: store).refreshTables()
    }

    /// The replica's workspace, acting as its enrolled organisation and role; on `store` when the
    /// command has the replica's store open already.
    func workspace(_ invocation: Invocation, store: ReplicaStore? = nil) throws -> Workspace {
        let config = try config()
        guard let role = Role(rawValue: config.role) else {
            throw CLIFailure(Message.unknownRole.text(configPath, config.role), hint: Message.unknownRoleHint.text(), code: .data)
        }
        let store = try store ?? openStore()
        let author = invocation.option("as") ?? invocation.environment["TIANBAO_USER"] ?? config.name ?? config.org
        if let violation = TextRule.violation(in: author) {
            throw CLIFailure(Message.editorName.text(violation.problem), hint: violation.remedy, code: .usage)
        }
        return Workspace(store: store, actor: Actor(org: config.org, role: role), author: author,
                         extraTemplates: try Templates.extra(invocation))
    }
}

/// Call templates from `$TIANBAO_TEMPLATES` (a folder of JSON files), beside the built-in ones.
enum Templates {
    static func extra(_ invocation: Invocation) throws -> [CallTemplate] {
        guard let folder = invocation.environment["TIANBAO_TEMPLATES"] else { return [] }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { file in
            guard let data = FileManager.default.contents(atPath: "\(folder)/\(file)") else { throw CLIFailure(Message.cannotRead.text("\(folder)/\(file)"), code: .noInput) }
            do { return try CallTemplate.decode(data) } catch { throw CLIFailure("\(folder)/\(file): \(error)", code: .data) }
        }
    }
}

extension ReplicaDirectory.Config {
    /// Read from its JSON tree, not by `JSONDecoder`: every command reads it, and a process's
    /// first `Codable` decode costs more than the rest of reading it (CallTemplate+Tree.swift).
    /// Nil when it is not JSON, or a member is missing or not a string.
    init?(json bytes: [UInt8]) {
        guard let tree = try? JSONTree.parse(bytes), case .object = tree else { return nil }
        func text(_ key: String) -> String?? {
            switch tree[key] {
            case nil, .null?: return .some(nil)
            case .string(let value)?: return value
            default: return nil
            }
        }
        guard let hub = text("hub") ?? nil, let replica = text("replica") ?? nil, let org = text("org") ?? nil,
              let role = text("role") ?? nil, let name = text("name"), let caFile = text("caFile") else { return nil }
        self.init(hub: hub, replica: replica, org: org, role: role, name: name, caFile: caFile)
    }
}
