import Crypto
import Foundation
import JSON
import Replication
import SyncClient
import SyncProtocol
import Testing

/// The chain cases in `Sync/vectors/chains/` (PROTOCOL.md 2.11), for any implementation to run:
/// `chain.json` gives, for fixed test keys (RFC 8032's first two), every form, leaf and hash of a
/// chain and its signed heads; `pages.json` gives hub replies, intact and tampered, with which of
/// their changes a replica applies and which it keeps apart.
///
/// The cases are written by `TIANBAO_WRITE_VECTORS=1 swift test --filter ChainVectorTests`; what a
/// page must do is stated by each case as it is built, never read back from the verifier.
@Suite struct ChainVectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sync/vectors/chains")

    @Test func theChainsFormsLeavesHashesAndHeadsAreExactlyTheVectors() throws {
        let made = try Self.chainDocument()
        if ProcessInfo.processInfo.environment["TIANBAO_WRITE_VECTORS"] == "1" { try Self.write(made, "chain.json") }
        let doc = try Self.read("chain.json")
        let originKey = try #require(Hex.decode(doc["originPrivateKey"] as! String))
        #expect(Hex.encode(try Ed25519.publicKey(of: originKey)) == doc["originPublicKey"] as? String)
        let origin = try #require(ReplicaID(hex: doc["origin"] as! String))
        var hash = ChangeChain.genesis(origin)
        #expect(Hex.encode(hash) == doc["genesis"] as? String)
        let positions = doc["positions"] as! [[String: Any]]
        #expect(positions.count == 8)
        for (i, position) in positions.enumerated() {
            let seq = UInt64(i + 1)
            #expect(position["seq"] as? Int == i + 1)
            let leaf: [UInt8]
            if position["withdrawn"] as? Bool == true {
                leaf = ChangeChain.withdrawnLeaf(Dot(replica: origin, seq: seq))
            } else {
                let change = try Self.change(position["change"]!)
                #expect(change.dot == Dot(replica: origin, seq: seq))
                #expect(Hex.encode(ChangeEncoding.form(change)) == position["form"] as? String, "form at \(seq)")
                leaf = ChangeChain.leaf(change)
            }
            #expect(Hex.encode(leaf) == position["leaf"] as? String, "leaf at \(seq)")
            hash = ChangeChain.step(hash, leaf)
            #expect(Hex.encode(hash) == position["hash"] as? String, "hash at \(seq)")
        }
        let keys = [doc["origin"] as! String: originKey, doc["hub"] as! String: try #require(Hex.decode(doc["hubPrivateKey"] as! String))]
        let heads = doc["heads"] as! [[String: Any]]
        #expect(heads.count == 3)
        for head in heads {
            let headOrigin = try #require(ReplicaID(hex: head["origin"] as! String)), signer = try #require(ReplicaID(hex: head["signer"] as! String))
            let seq = UInt64(head["seq"] as! Int), headHash = try #require(Hex.decode(head["hash"] as! String))
            let message = ChangeChain.Head.message(origin: headOrigin, seq: seq, hash: headHash, signer: signer)
            #expect(Hex.encode(message) == head["message"] as? String)
            // Ed25519 signs deterministically: the same key and message give the same 64 bytes.
            let signature = try Ed25519.sign(message, privateKey: try #require(keys[signer.hex]))
            #expect(Base64.encode(signature) == head["signature"] as? String)
            #expect(ChangeChain.Head(origin: headOrigin, seq: seq, hash: headHash, signer: signer, signature: signature)
                .verifies(with: try Ed25519.publicKey(of: keys[signer.hex]!)))
            if headOrigin == origin { #expect(head["hash"] as? String == positions[Int(seq) - 1]["hash"] as? String) }
        }
    }

    @Test func aReplicaAppliesWhatVerifiesAndKeepsTheRestApart() throws {
        let made = try Self.pagesDocument()
        if ProcessInfo.processInfo.environment["TIANBAO_WRITE_VECTORS"] == "1" { try Self.write(made, "pages.json") }
        let doc = try Self.read("pages.json")
        let hubKey = try #require(Hex.decode(doc["hubKey"] as! String))
        var published: [ReplicaID: [UInt8]] = [:]
        for (id, key) in doc["keys"] as! [String: String] { published[ReplicaID(hex: id)!] = Hex.decode(key)! }
        let verifier = PageVerifier(hubKey: hubKey, keyring: { origin, _ in published[origin] })
        let cases = doc["cases"] as! [[String: Any]]
        #expect(cases.count >= 12)
        var tampered = 0
        for item in cases {
            let name = item["name"] as! String
            let page = try SyncCodec.response(JSONTree.parse(Array(try JSONSerialization.data(withJSONObject: item["page"]!))))
            let outcome = verifier.verify(page.changes, proofs: page.proofs, hub: page.hub)
            #expect(outcome.verified.map(\.dot.description) == item["applied"] as? [String], "\(name): applied")
            #expect(outcome.keptApart.map(\.change.dot.description) == item["keptApart"] as? [String], "\(name): kept apart")
            if !(item["keptApart"] as! [String]).isEmpty { tampered += 1 }
        }
        #expect(tampered >= 9)
    }

    /// What a replica verified before binds what it takes next, so even the hub's own key cannot
    /// rewrite it: an interval starting from another hash than the one held, one ending on another
    /// hash than the one held, and the hub vouching for a replica that signs its own chain.
    @Test func heldHeadsBindWhatAHubKeyHolderCanSign() throws {
        let hubKey = try Ed25519.publicKey(of: Hex.decode(Self.hubKeyHex)!)
        let originKey = try Ed25519.publicKey(of: Hex.decode(Self.originKeyHex)!)
        let signedAt3 = try Self.sign(Self.origin, 3, Self.hash(after: 3), signer: Self.origin, key: Self.originKeyHex)
        let held = [ReplicaStore.StoredHead(origin: Self.origin, seq: 3, hash: signedAt3.hash, signer: Self.origin, signature: signedAt3.signature)]
        let verifier = PageVerifier(hubKey: hubKey, keyring: { _, _ in originKey },
                                    held: .init(head: { origin, seq in held.first { $0.origin == origin && $0.seq == seq } },
                                                firstSelfSigned: { origin in held.filter { $0.origin == origin && $0.signer == origin }.map(\.seq).min() }))
        let all = Self.chainChanges()

        // The genuine next interval, signed by its origin, still goes in.
        let genuine = try Self.proof(4, 8, carrying: [5, 6, 7, 8])
        let page = [5, 6, 7, 8].map { all[$0]! }
        #expect(verifier.verify(page, proofs: [genuine], hub: Self.hub).keptApart.isEmpty)

        // The hub's key re-signs 4–8 over altered content: its signature is good, but it vouches
        // for a replica that signs for itself.
        var altered = page
        altered[0].value = .bytes([1, 2, 3])
        let forged = try Self.sign(Self.origin, 8, Self.rechain(altered, from: 3), signer: Self.hub, key: Self.hubKeyHex)
        let vouched = ChainProof(origin: Self.origin, first: 4, seq: 8, base: Self.hash(after: 3), leaves: [ChangeChain.withdrawnLeaf(Dot(replica: Self.origin, seq: 4))],
                                 signer: Self.hub, signature: forged.signature)
        let outcome = verifier.verify(altered, proofs: [vouched], hub: Self.hub)
        #expect(outcome.verified.isEmpty && outcome.keptApart.first?.reason.contains("signs its own chain") == true, "\(outcome.keptApart.map(\.reason))")
        // Without the held heads the same forgery would pass: the check is what stops it.
        let forgetful = PageVerifier(hubKey: hubKey, keyring: { _, _ in originKey })
        #expect(forgetful.verify(altered, proofs: [vouched], hub: Self.hub).keptApart.isEmpty)

        // An interval that starts from another history than the one verified at 3.
        let moved = try Self.proof(4, 8, carrying: [5, 6, 7, 8], base: Self.hash(after: 2))
        #expect(verifier.verify(page, proofs: [moved], hub: Self.hub).keptApart.first?.reason.contains("another history") == true)

        // An interval ending at 3 on another hash than the one held there, signed with the hub's key.
        var rewrittenEarly = [1, 2, 3].map { all[$0]! }
        rewrittenEarly[1].value = .int(7)
        let early = try Self.sign(Self.origin, 3, Self.rechain(rewrittenEarly, from: 0), signer: Self.hub, key: Self.hubKeyHex)
        let earlyProof = ChainProof(origin: Self.origin, first: 1, seq: 3, base: ChangeChain.genesis(Self.origin), leaves: [], signer: Self.hub, signature: early.signature)
        #expect(verifier.verify(rewrittenEarly, proofs: [earlyProof], hub: Self.hub).keptApart.first?.reason.contains("differ from what this replica verified") == true)
    }

    /// The chain hash after `changes`, from the hash at `from` of the vectors' chain (withdrawn 4 filled in).
    static func rechain(_ changes: [Change], from: UInt64) -> [UInt8] {
        var hash = hash(after: from)
        var seq = from
        for change in changes {
            while seq + 1 < change.dot.seq { seq += 1; hash = ChangeChain.step(hash, leaf(seq)) }
            hash = ChangeChain.step(hash, ChangeChain.leaf(change))
            seq = change.dot.seq
        }
        return hash
    }

    // MARK: The cases

    static let originKeyHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"   // RFC 8032, test 1
    static let hubKeyHex = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"      // RFC 8032, test 2
    static let origin = ReplicaID(hex: "0123456789abcdef0123456789abcdef")!
    static let hub = ReplicaID(hex: "fedcba9876543210fedcba9876543210")!
    /// A replica of an older build: the hub vouched for its history.
    static let older = ReplicaID(hex: "00000000000000000000000000000c1d")!
    static let recordA = "01900000-0000-7000-8000-00000000000a"
    static let recordB = "01900000-0000-7000-8000-00000000000b"

    /// Positions 1–8 of `origin`'s chain; 4 was refused by the hub and withdrawn.
    static func chainChanges() -> [Int: Change] {
        func change(_ seq: UInt64, record: String = recordA, _ field: String, _ value: FieldValue?, op: Replication.Operation = .set,
                    supersedes: [Dot] = [], author: String? = "张三 · 福州市第一医院") -> Change {
            Change(dot: Dot(replica: origin, seq: seq), timestamp: Timestamp(wall: 1_780_000_000_000 + Int64(seq) * 1_000, counter: UInt16(seq % 2)),
                   collection: "submissions", record: record, field: field, op: op, value: value, supersedes: supersedes, author: author)
        }
        return [
            1: change(1, "项目名称", .text("智慧病房\"AI\"辅助")),
            2: change(2, "预算（万元）", .int(-120)),
            3: change(3, "评分", .real(-1.5), author: nil),
            5: change(5, "附件", .bytes([0, 255, 44, 58])),
            6: change(6, "项目名称", .text("智慧病房"), supersedes: [Dot(replica: origin, seq: 1)]),
            7: change(7, "备注", .null),
            8: change(8, record: recordB, "", nil, op: .delete),
        ]
    }

    static func olderChanges() -> [Change] {
        (1...2).map { seq in
            Change(dot: Dot(replica: older, seq: UInt64(seq)), timestamp: Timestamp(wall: 1_780_000_100_000, counter: UInt16(seq)),
                   collection: "submissions", record: recordB, field: "是否推荐", op: .set, value: .bool(seq == 2))
        }
    }

    static func leaf(_ seq: UInt64) -> [UInt8] {
        chainChanges()[Int(seq)].map(ChangeChain.leaf) ?? ChangeChain.withdrawnLeaf(Dot(replica: origin, seq: seq))
    }

    static func hash(after seq: UInt64) -> [UInt8] {
        (0..<seq).reduce(ChangeChain.genesis(origin)) { ChangeChain.step($0, leaf($1 + 1)) }
    }

    static func sign(_ origin: ReplicaID, _ seq: UInt64, _ hash: [UInt8], signer: ReplicaID, key: String) throws -> ChangeChain.Head {
        try ChangeChain.Head.sign(origin: origin, seq: seq, hash: hash, signer: signer, privateKey: Hex.decode(key)!)
    }

    static func chainDocument() throws -> [String: Any] {
        var positions: [[String: Any]] = []
        var running = ChangeChain.genesis(origin)
        for seq in UInt64(1)...8 {
            running = ChangeChain.step(running, leaf(seq))
            var position: [String: Any] = ["seq": Int(seq), "leaf": Hex.encode(leaf(seq)), "hash": Hex.encode(running)]
            if let change = chainChanges()[Int(seq)] {
                position["change"] = try JSONSerialization.jsonObject(with: Data(ChangeEncoding.json(change)))
                position["form"] = Hex.encode(ChangeEncoding.form(change))
            } else {
                position["withdrawn"] = true
            }
            positions.append(position)
        }
        let olderHash = olderChanges().reduce(ChangeChain.genesis(older)) { ChangeChain.step($0, ChangeChain.leaf($1)) }
        let heads = [try sign(origin, 3, hash(after: 3), signer: origin, key: originKeyHex),
                     try sign(origin, 8, hash(after: 8), signer: origin, key: originKeyHex),
                     try sign(older, 2, olderHash, signer: hub, key: hubKeyHex)]
        return [
            "description": "One origin's chain, position by position (PROTOCOL.md 2.11): each change's form (2.7) in hex, its leaf, the hash after it; position 4 was withdrawn. Then heads: two signed by the origin, one by the hub vouching for a replica of an older build. Keys are RFC 8032's test 1 (origin) and test 2 (hub); Ed25519 is deterministic, so the signatures are exact.",
            "origin": origin.hex, "originPrivateKey": originKeyHex, "originPublicKey": Hex.encode(try Ed25519.publicKey(of: Hex.decode(originKeyHex)!)),
            "hub": hub.hex, "hubPrivateKey": hubKeyHex, "hubPublicKey": Hex.encode(try Ed25519.publicKey(of: Hex.decode(hubKeyHex)!)),
            "genesis": Hex.encode(ChangeChain.genesis(origin)),
            "positions": positions,
            "heads": heads.map { head -> [String: Any] in
                ["origin": head.origin.hex, "seq": Int(head.seq), "hash": Hex.encode(head.hash), "signer": head.signer.hex,
                 "message": Hex.encode(ChangeChain.Head.message(origin: head.origin, seq: head.seq, hash: head.hash, signer: head.signer)),
                 "signature": Base64.encode(head.signature)]
            },
        ]
    }

    /// A proof of `origin`'s interval `first…seq` for a page carrying `carried` of it.
    static func proof(_ first: UInt64, _ seq: UInt64, carrying carried: Set<UInt64>, signature: [UInt8]? = nil, base: [UInt8]? = nil,
                      leaves: [[UInt8]?]? = nil, signer: ReplicaID = origin) throws -> ChainProof {
        let head = try sign(origin, seq, hash(after: seq), signer: origin, key: originKeyHex)
        return ChainProof(origin: origin, first: first, seq: seq, base: base ?? hash(after: first - 1),
                          leaves: leaves ?? (first...seq).filter { !carried.contains($0) }.map { leaf($0) },
                          signer: signer, signature: signature ?? head.signature)
    }

    static func pagesDocument() throws -> [String: Any] {
        let all = chainChanges()
        func changes(_ seqs: [UInt64]) -> [Change] { seqs.map { all[Int($0)]! } }
        func dots(_ seqs: [UInt64]) -> [String] { seqs.map { Dot(replica: origin, seq: $0).description } }
        func intact(_ seqs: [UInt64]) throws -> [ChainProof] {
            let carried = Set(seqs)
            var proofs: [ChainProof] = []
            if seqs.contains(where: { $0 <= 3 }) { proofs.append(try proof(1, 3, carrying: carried)) }
            if seqs.contains(where: { $0 >= 4 }) { proofs.append(try proof(4, 8, carrying: carried)) }
            return proofs
        }
        var cases: [[String: Any]] = []
        func add(_ name: String, _ why: String, _ page: [Change], _ proofs: [ChainProof], applied: [String], keptApart: [String]) throws {
            var response = SyncResponse(hub: hub, results: [], received: 0, changes: page, checkpoint: 42, more: false)
            response.protocol = 4
            response.proofs = proofs
            cases.append(["name": name, "why": why, "page": try JSONSerialization.jsonObject(with: Data(SyncCodec.encode(response))),
                          "applied": applied, "keptApart": keptApart])
        }
        let every: [UInt64] = [1, 2, 3, 5, 6, 7, 8]
        try add("intact", "every change of both intervals; the withdrawn position 4 is given as a leaf", changes(every), try intact(every),
                applied: dots(every), keptApart: [])
        try add("partial-page", "a page carrying 2 and 7 only: the other positions of their intervals come as leaves", changes([2, 7]), try intact([2, 7]),
                applied: dots([2, 7]), keptApart: [])

        var edited = changes(every)
        edited[1].value = .int(-121)
        try add("altered-value", "the value of 2 edited in the hub's file: its whole interval 1–3 is kept apart, 4–8 verifies", edited, try intact(every),
                applied: dots([5, 6, 7, 8]), keptApart: dots([1, 2, 3]))
        var author = changes(every)
        author[4].author = "福建省卫生健康委员会"
        try add("altered-author", "the author of 6 rewritten: the author is signed with the change", author, try intact(every),
                applied: dots([1, 2, 3]), keptApart: dots([5, 6, 7, 8]))
        try add("missing", "2 deleted from the hub's file: the hub has no leaf for it (null)", changes([1, 3]),
                [try proof(1, 3, carrying: [1, 3], leaves: [nil])], applied: [], keptApart: dots([1, 3]))
        try add("missing-leaf-given", "2 deleted but the hub still sends its leaf: a page without it verifies (nothing to keep apart), as a later page would show",
                changes([1, 3]), [try proof(1, 3, carrying: [1, 3])], applied: dots([1, 3]), keptApart: [])
        var inserted = changes(every)
        inserted.append(Change(dot: Dot(replica: origin, seq: 9), timestamp: Timestamp(wall: 1_780_000_009_000, counter: 0), collection: "submissions",
                               record: recordA, field: "项目名称", op: .set, value: .text("改过的名称"), supersedes: [Dot(replica: origin, seq: 6)]))
        try add("inserted-beyond-head", "9 added to the hub's file: no signed head covers it", inserted, try intact(every),
                applied: dots(every), keptApart: dots([9]))
        var reordered = changes([1, 2, 3])
        reordered[0].dot = Dot(replica: origin, seq: 2)
        reordered[1].dot = Dot(replica: origin, seq: 1)
        try add("reordered", "1 and 2 swapped positions in the hub's file", [reordered[1], reordered[0], reordered[2]], [try proof(1, 3, carrying: [1, 2, 3])],
                applied: [], keptApart: dots([1, 2, 3]))
        try add("spare-leaf", "the proof of 1–3 carries a leaf for a position the page also carries: an extra change in the interval",
                changes([1, 2, 3]), [try proof(1, 3, carrying: [1, 2, 3], leaves: [leaf(2)])], applied: [], keptApart: dots([1, 2, 3]))
        try add("short-of-leaves", "the proof of 4–8 lacks the withdrawn position's leaf", changes([5, 6, 7, 8]),
                [try proof(4, 8, carrying: [5, 6, 7, 8], leaves: [])], applied: [], keptApart: dots([5, 6, 7, 8]))
        var forged = try proof(1, 3, carrying: [1, 2, 3])
        forged.signature[10] ^= 1
        try add("bad-signature", "one bit of the head's signature flipped", changes([1, 2, 3]), [forged], applied: [], keptApart: dots([1, 2, 3]))
        try add("moved-base", "the base of 4–8 replaced by the hash after 2", changes([5, 6, 7, 8]), [try proof(4, 8, carrying: [5, 6, 7, 8], base: hash(after: 2))],
                applied: [], keptApart: dots([5, 6, 7, 8]))
        let hubSigned = try sign(origin, 3, hash(after: 3), signer: hub, key: hubKeyHex)
        try add("hub-claims-to-be-origin", "the hub's signature over 1–3, with the origin named as signer", changes([1, 2, 3]),
                [try proof(1, 3, carrying: [1, 2, 3], signature: hubSigned.signature)], applied: [], keptApart: dots([1, 2, 3]))
        let olderAll = olderChanges()
        let olderHead = try sign(older, 2, olderAll.reduce(ChangeChain.genesis(older)) { ChangeChain.step($0, ChangeChain.leaf($1)) }, signer: hub, key: hubKeyHex)
        let vouched = ChainProof(origin: older, first: 1, seq: 2, base: ChangeChain.genesis(older), leaves: [], signer: hub, signature: olderHead.signature)
        try add("hub-vouched", "a replica of an older build signed nothing; the hub vouches with its pinned key", olderAll, [vouched],
                applied: olderAll.map(\.dot.description), keptApart: [])
        var strangeSigner = vouched
        strangeSigner.signer = ReplicaID(hex: "0000000000000000000000000000beef")!
        try add("third-party-signer", "a head signed by neither the origin nor the hub", olderAll, [strangeSigner],
                applied: [], keptApart: olderAll.map(\.dot.description))
        return [
            "description": "Hub replies (protocol 4, 2.11) a replica must check before applying anything: `applied` lists, in the page's order, the changes that verify; `keptApart` those that must not be applied. Keys: `hubKey` is the hub's pinned key, `keys` the origins' published keys (RFC 8032 tests 1 and 2). The chain is chain.json's.",
            "hubKey": Hex.encode(try Ed25519.publicKey(of: Hex.decode(hubKeyHex)!)),
            "keys": [origin.hex: Hex.encode(try Ed25519.publicKey(of: Hex.decode(originKeyHex)!))],
            "cases": cases,
        ]
    }

    // MARK: Files

    static func change(_ object: Any) throws -> Change {
        try ChangeEncoding.change(JSONTree.parse(Array(try JSONSerialization.data(withJSONObject: object))))
    }

    static func read(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name))) as! [String: Any]
    }

    static func write(_ document: [String: Any], _ name: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        try data.write(to: directory.appendingPathComponent(name))
    }
}
