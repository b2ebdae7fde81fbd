import Testing
import Replication
import TestSupport

/// Each merge rule of Sync/PROTOCOL.md, on two replicas `a` and `b` (a's id sorts first).
@Suite struct MergeRulesTests {
    let clock = ManualClock()
    let a: ReplicaStore
    let b: ReplicaStore
    let r = RecordID.make(wallMilliseconds: 1_763_800_000_000)

    init() throws {
        a = try Replicas.memory(clock: clock, id: Replicas.id(1))
        b = try Replicas.memory(clock: clock, id: Replicas.id(2))
    }

    func both() throws {
        try Replicas.sync(from: a, to: b)
        try Replicas.sync(from: b, to: a)
    }

    func set(_ store: ReplicaStore, _ field: String, _ text: String, record: String? = nil) throws {
        try store.commit([.set(collection: "forms", record: record ?? r, field: field, value: .text(text))])
    }

    @Test func aWriteThatSawTheValueReplacesIt() throws {
        try set(a, "项目名称", "初稿")
        try both()
        clock.advance(by: 10)
        try set(b, "项目名称", "定稿")
        try both()
        for store in [a, b] {
            let state = try #require(try store.record(r))
            #expect(state["项目名称"] == .text("定稿"))
            #expect(!state.fields["项目名称"]!.isConflict)
        }
        #expect(try a.conflicts().isEmpty)
    }

    @Test func concurrentWritesAreAllKeptWithADeterministicWinner() throws {
        try set(a, "项目名称", "甲")
        try set(b, "项目名称", "乙")  // same wall millisecond: the replica id breaks the tie
        try both()
        let onA = try #require(try a.record(r))
        let onB = try #require(try b.record(r))
        #expect(onA == onB)
        #expect(onA.fields["项目名称"]!.isConflict)
        #expect(onA.fields["项目名称"]!.versions.map(\.value) == [.text("乙"), .text("甲")])
        #expect(onA["项目名称"] == .text("乙"))

        let conflicts = try a.conflicts()
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.kind == .field("项目名称"))
        #expect(conflicts.first?.versions.count == 2)
        #expect(try b.conflicts() == conflicts)
    }

    @Test func theLaterStampWinsWhateverTheReplicaID() throws {
        try set(b, "项目名称", "乙")
        clock.advance(by: 1)
        try set(a, "项目名称", "甲")
        try both()
        #expect(try a.record(r)?["项目名称"] == .text("甲"))
        #expect(try b.record(r)?["项目名称"] == .text("甲"))
    }

    @Test func aWriteThatSawTheConflictResolvesIt() throws {
        try set(a, "项目名称", "甲")
        try set(b, "项目名称", "乙")
        try both()
        try set(a, "项目名称", "甲乙合并")
        try both()
        #expect(try a.conflicts().isEmpty)
        #expect(try b.conflicts().isEmpty)
        #expect(try b.record(r)?["项目名称"] == .text("甲乙合并"))
    }

    @Test func concurrentEditsOfDifferentFieldsMergeSilently() throws {
        try set(a, "项目名称", "名称")
        try both()
        try set(a, "项目名称", "新名称")
        try set(b, "团队简介", "简介")
        try both()
        let state = try #require(try a.record(r))
        #expect(state["项目名称"] == .text("新名称"))
        #expect(state["团队简介"] == .text("简介"))
        #expect(try a.conflicts().isEmpty)
        #expect(try b.record(r) == state)
    }

    @Test func setFieldsAreAddWins() throws {
        let field = "应用场景方向"
        try a.commit([.add(collection: "forms", record: r, field: field, element: .text("基层能力提升方向"))])
        try both()
        // a removes the element while b adds it again, concurrently: the add wins.
        try a.commit([.remove(record: r, field: field, element: .text("基层能力提升方向"))])
        try b.commit([.add(collection: "forms", record: r, field: field, element: .text("基层能力提升方向")),
                      .add(collection: "forms", record: r, field: field, element: .text("卫生便民服务方向"))])
        try both()
        let expected: [FieldValue] = [.text("卫生便民服务方向"), .text("基层能力提升方向")].sorted()
        #expect(try a.record(r)?.sets[field] == expected)
        #expect(try b.record(r)?.sets[field] == expected)
        // A remove that saw every add removes the element everywhere.
        try b.commit([.remove(record: r, field: field, element: .text("基层能力提升方向"))])
        try both()
        #expect(try a.record(r)?.sets[field] == [.text("卫生便民服务方向")])
        #expect(try a.conflicts().isEmpty)
    }

    @Test func removingAnAbsentElementMakesNoChange() throws {
        try a.commit([.add(collection: "forms", record: r, field: "tags", element: .text("x"))])
        #expect(try a.commit([.remove(record: r, field: "tags", element: .text("y"))]).isEmpty)
    }

    @Test func deletingLeavesATombstone() throws {
        try set(a, "项目名称", "名称")
        try both()
        clock.advance(by: 5)
        let deletion = try a.commit([.delete(record: r)])
        #expect(deletion.count == 1)
        try both()
        let state = try #require(try b.record(r))
        #expect(state.isDeleted)
        #expect(state.fields.isEmpty)
        #expect(state.tombstones.map(\.dot) == [deletion[0].dot])
        #expect(try b.records(in: "forms").isEmpty)
        #expect(try b.records(in: "forms", includeDeleted: true).map(\.id) == [r])
        #expect(throws: ReplicationError.recordDeleted(r)) { try set(b, "项目名称", "复活") }
        #expect(try b.commit([.delete(record: r)]).isEmpty)  // deleting twice changes nothing
    }

    @Test func anEditConcurrentWithADeleteSurvivesAsADeleteConflict() throws {
        try set(a, "项目名称", "名称")
        try set(a, "单位简介", "简介")
        try both()
        clock.advance(by: 5)
        try a.commit([.delete(record: r)])
        try set(b, "单位简介", "新简介")
        try both()
        for store in [a, b] {
            let state = try #require(try store.record(r))
            #expect(!state.isDeleted)
            #expect(state.hasDeleteConflict)
            #expect(state["单位简介"] == .text("新简介"))  // the concurrent edit is kept
            #expect(state["项目名称"] == nil)             // what the deleter saw is gone
            #expect(try store.conflicts().map(\.kind) == [.deleteWhileEdited])
        }
        // Keeping the record: a restore that saw the delete takes it back.
        try b.commit([.restore(record: r)])
        try both()
        #expect(try a.conflicts().isEmpty)
        #expect(try a.record(r)?["单位简介"] == .text("新简介"))
        #expect(try a.record(r)?.tombstones.isEmpty == true)
    }

    @Test func deletingAgainSettlesADeleteConflict() throws {
        try set(a, "项目名称", "名称")
        try both()
        try a.commit([.delete(record: r)])
        try set(b, "项目名称", "改")
        try both()
        try a.commit([.delete(record: r)])
        try both()
        #expect(try b.record(r)?.isDeleted == true)
        #expect(try b.conflicts().isEmpty)
    }

    @Test func applyingAChangeTwiceIsANoOp() throws {
        let made = try a.commit([.set(collection: "forms", record: r, field: "f", value: .int(1))])
        #expect(try b.apply(made) == { var x = ReplicaStore.ApplyReport(); x.applied = 1; return x }())
        let before = try b.snapshot()
        let again = try b.apply(made + made)
        #expect(again.applied == 0)
        #expect(again.duplicates == 2)
        #expect(try b.snapshot() == before)
        #expect(try a.apply(made).duplicates == 1)  // its own change coming back
    }

    /// A batch's rows are written many to a statement once known new: a change repeated within
    /// the batch, and another change under a dot the batch already used, are still found.
    @Test func aBatchRepeatingAChangeKeepsItOnceAndRefusesAReusedDot() throws {
        let made = try a.commit((0..<70).map { .set(collection: "forms", record: r, field: "f\($0)", value: .int(Int64($0))) })
        let c = try Replicas.memory(clock: clock, id: Replicas.id(3))
        var reused = made[40]
        reused.value = .int(-1)
        #expect(throws: ReplicationError.dotReused(reused.dot)) { try c.apply(made + [reused]) }
        #expect(c.versionVector()[a.replicaID] == 0)   // nothing of the batch stayed
        let report = try b.apply(made + [made[40], made[3]])
        #expect(report.applied == 70 && report.duplicates == 2)
        #expect(try b.snapshot().records == a.snapshot().records)
        // A second change to one field, in the batch after the first: the first's row is found and retired.
        let next = try a.commit([.set(collection: "forms", record: r, field: "f1", value: .int(100))])
        try c.apply(made + next)
        #expect(try c.record(r)?["f1"] == .int(100))
        #expect(try c.record(r)?.fields["f1"]?.isConflict == false)
    }

    @Test func aChangeArrivingBeforeTheOneItSupersedesStillWins() throws {
        let first = try a.commit([.set(collection: "forms", record: r, field: "f", value: .text("old"))])
        let second = try a.commit([.set(collection: "forms", record: r, field: "f", value: .text("new"))])
        #expect(second[0].supersedes == [first[0].dot])
        try b.apply(second)
        #expect(b.versionVector()[a.replicaID] == 0)  // seq 2 held, but not gap-free
        try b.apply(first)
        #expect(b.versionVector()[a.replicaID] == 2)
        let state = try #require(try b.record(r))
        #expect(state["f"] == .text("new"))
        #expect(!state.fields["f"]!.isConflict)
        #expect(try b.snapshot().records == a.snapshot().records)
    }

    @Test func aRemoveArrivingBeforeItsAddLeavesNoElement() throws {
        let add = try a.commit([.add(collection: "forms", record: r, field: "tags", element: .text("x"))])
        let remove = try a.commit([.remove(record: r, field: "tags", element: .text("x"))])
        try b.apply(remove)
        try b.apply(add)
        #expect(try b.record(r)?.sets["tags"] == nil)
    }

    @Test func aDifferentChangeUnderAUsedDotIsRefused() throws {
        var made = try a.commit([.set(collection: "forms", record: r, field: "f", value: .text("真"))])
        try b.apply(made)
        let before = try b.snapshot()
        made[0].value = .text("假")
        #expect(throws: ReplicationError.dotReused(made[0].dot)) { try b.apply(made) }
        #expect(try b.snapshot() == before)
    }

    @Test func historyListsEveryChangeOldestFirst() throws {
        try a.commit([.set(collection: "forms", record: r, field: "f", value: .text("1"))], author: "张三")
        clock.advance(by: 1)
        try set(b, "g", "2")
        try both()
        clock.advance(by: 1)
        try a.commit([.set(collection: "forms", record: r, field: "f", value: .text("3"))], author: "李四")
        let history = try a.history(of: r)
        #expect(history.map(\.value) == [.text("1"), .text("2"), .text("3")])
        #expect(history.map(\.author) == ["张三", nil, "李四"])
        #expect(history.map(\.dot.replica) == [a.replicaID, b.replicaID, a.replicaID])
        #expect(history[2].supersedes == [history[0].dot])
    }

    @Test func recordsByCollectionWithAFilter() throws {
        let other = RecordID.make(wallMilliseconds: 1_763_800_000_001)
        try set(a, "status", "draft")
        try set(a, "status", "submitted", record: other)
        try a.commit([.set(collection: "orgs", record: RecordID.make(wallMilliseconds: 1), field: "名称", value: .text("省卫健委"))])
        #expect(try a.records(in: "forms").map(\.id) == [r, other].sorted())
        #expect(try a.records(in: "forms") { $0["status"] == .text("submitted") }.map(\.id) == [other])
        #expect(try a.records(in: "orgs").count == 1)
    }

    @Test func textThatLooksLikeANumberStaysText() throws {
        for text in ["010", "13800138000", "1e5", " 7", "0.50"] {
            try set(a, "手机号码", text)
            #expect(try a.record(r)?["手机号码"] == .text(text))
        }
        for value: FieldValue in [.int(10), .real(0), .real(2.5), .bool(true), .bool(false), .null, .bytes([]), .bytes([1, 2])] {
            try a.commit([.set(collection: "forms", record: r, field: "v", value: value)])
            #expect(try a.record(r)?["v"] == value)
        }
    }
}
