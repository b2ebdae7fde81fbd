import Foundation
import Replication
import Submissions
import JSON
import SyncClient
import SyncProtocol

/// Work the benchmark runs in a child process, so the client is measured alone.
enum ChildJobs {
    /// `clone URL TOKEN DIR EXPECTED` · `sync URL TOKEN DIR` · `healthz URL`
    static func run(_ arguments: [String]) -> Int32 {
        // The peak of this process's own address space, for the parent: ru_maxrss would include
        // the parent's memory, which a spawned child shares until it executes.
        defer {
            if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) {
                print(line)
            }
        }
        do {
            switch arguments.first {
            case "clone", "sync":
                guard arguments.count >= 4, let url = URL(string: arguments[1]), let replica = ReplicaID(hex: arguments[2].split(separator: ".")[0]) else { return 64 }
                var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
                configuration.newReplicaID = replica
                configuration.maxClockSkewMilliseconds = .max / 4
                let store = try ReplicaStore(path: "\(arguments[3])/replica.sqlite", configuration: configuration)
                // Verifying every change it receives, as a replica made by 'tianbao init' does.
                let state = SyncState(store)
                if try state.hubKey() == nil {
                    let who = try SocketTransport().get(url.appendingPathComponent("v1/whoami"), token: arguments[2])
                    guard let key = try? SyncCodec.whoAmI(JSONTree.parse(who.body)).hubKey else { return 1 }
                    try state.pinHubKey(key)
                }
                guard let hubKey = try state.hubKey() else { return 1 }
                let client = SyncClient(store: store, hub: url, token: arguments[2])
                client.verifier = PageVerifier(hubKey: hubKey, keyring: PublishedKey.keyring(store), held: .of(store))
                let report = try client.sync()
                guard report.keptApart.isEmpty else {
                    FileHandle.standardError.write(Data("child: \(report.keptApart.count) changes did not verify: \(report.keptApart[0].reason)\n".utf8))
                    return 1
                }
                store.close()
                if arguments.first == "clone", let expected = arguments.dropFirst(4).first.flatMap(Int.init), report.pulled < expected { return 1 }
                return 0
            case "healthz":
                guard arguments.count >= 2, let url = URL(string: arguments[1] + "/healthz") else { return 64 }
                return (try? SocketTransport().get(url))?.status == 200 ? 0 : 1
            default:
                return 64
            }
        } catch {
            FileHandle.standardError.write(Data("child failed: \(error)\n".utf8))
            return 1
        }
    }
}
