import Foundation
import Replication
import Testing
import TestSupport
@testable import Submissions

/// A workspace reads the directory and the calls once per store generation, and never serves them
/// stale: not after its own writes, a sync's, or another process's on the same file.
@Suite struct WorkspaceContextTests {
    func open(_ path: String, clock: ManualClock) throws -> Workspace {
        var configuration = ReplicaStore.Configuration(collections: Workspace.Collection.all)
        configuration.wallClock = clock.reading
        configuration.durability = .throwaway
        return Workspace(store: try ReplicaStore(path: path, configuration: configuration), actor: Actor(org: "fj-province", role: .province))
    }

    @Test func whatAnotherConnectionWritesIsSeenAtOnce() throws {
        let dir = TemporaryDirectory()
        let clock = ManualClock()
        let path = dir.file("replica.sqlite")
        let one = try open(path, clock: clock)
        // Another process (another connection) on the same file: `tianbao hub import` beside `serve`.
        let other = try open(path, clock: clock)
        try one.save(Organization(code: "fj-province", name: "福建省卫生健康委员会", kind: .province))
        #expect(try one.directory().sorted.map(\.code) == ["fj-province"])
        #expect(try other.directory().sorted.map(\.code) == ["fj-province"])
        let generation = other.store.generation
        #expect(other.store.generation == generation, "reading moved the generation")

        try one.save(Organization(code: "fj-fuzhou", name: "福州市卫生健康委员会", kind: .city))
        #expect(other.store.generation != generation)
        #expect(try other.directory()["fj-fuzhou"]?.name == "福州市卫生健康委员会")

        // A published call reaches the other's catalogue too.
        var template = try one.call("fujian-2026")
        template.version += 1
        try one.publish(template)
        #expect(try other.call("fujian-2026").version == template.version)
    }

    @Test func aRolledBackWriteIsNotServed() throws {
        let clock = ManualClock()
        let workspace = try open(":memory:", clock: clock)
        try workspace.save(Organization(code: "fj-province", name: "福建省卫生健康委员会", kind: .province))
        _ = try workspace.directory()
        struct Abandon: Error {}
        // A transaction around the workspace's write is rolled back: the directory read inside it goes.
        #expect(throws: Abandon.self) {
            try workspace.store.transaction {
                try workspace.save(Organization(code: "fj-xiamen", name: "厦门市卫生健康委员会", kind: .city))
                #expect(try workspace.directory()["fj-xiamen"] != nil)
                throw Abandon()
            }
        }
        #expect(try workspace.directory()["fj-xiamen"] == nil)
    }
}
