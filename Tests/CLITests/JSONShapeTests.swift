import Foundation
import Testing
import TestSupport

/// `--json` as a script reads it: each kind of object (record, replica, call, refusal, sync result,
/// error) has one shape wherever it appears — the same keys, each always of one JSON type (or
/// null where it may be absent), times in ISO 8601 — and every failure under --json is one error
/// object on standard output with the process's own exit code.
@Suite struct JSONShapeTests {
    /// A JSON value's type, as a script's parser sees it.
    static func type(_ value: Any) -> String {
        switch value {
        case is NSNull: "null"
        // JSONSerialization boxes a JSON true/false as a char-typed NSNumber, every number otherwise.
        case let number as NSNumber: String(cString: number.objCType) == "c" ? "bool" : "number"
        case is String: "string"
        case is [Any]: "array"
        case is [String: Any]: "object"
        default: "unknown"
        }
    }

    /// Every instance of one kind of object, with where it was printed.
    final class Kind {
        let name: String
        var instances: [(source: String, object: [String: Any])] = []
        init(_ name: String) { self.name = name }
        func add(_ object: Any?, from source: String) {
            guard let object = object as? [String: Any] else { Issue.record("\(name) from \(source) is not an object: \(String(describing: object))"); return }
            instances.append((source, object))
        }

        /// The same keys everywhere (`extra` keys allowed only where named), each of one type or null.
        func assertOneShape(extraAllowedIn: [String: Set<String>] = [:], sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(instances.count >= 2, "\(name): fewer than two places printed it", sourceLocation: sourceLocation)
            let common = instances.map { Set($0.object.keys).subtracting(extraAllowedIn[$0.source] ?? []) }
            for (i, keys) in common.enumerated() {
                #expect(keys == common[0], "\(name): \(instances[i].source) has keys \(keys.sorted()), \(instances[0].source) has \(common[0].sorted())",
                        sourceLocation: sourceLocation)
            }
            var types: [String: Set<String>] = [:]
            for (_, object) in instances { for (key, value) in object { types[key, default: []].insert(JSONShapeTests.type(value)) } }
            for (key, seen) in types {
                #expect(seen.subtracting(["null"]).count <= 1, "\(name).\(key) is printed as \(seen.sorted())", sourceLocation: sourceLocation)
            }
        }
    }

    static func isISO(_ text: String) -> Bool {
        text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}/#) != nil
    }

    /// Every value under a key that names a moment is ISO 8601 with its offset, or null.
    static func assertTimes(_ value: Any, path: String = "") {
        if let object = value as? [String: Any] {
            for (key, inner) in object {
                if ["time", "lastSync", "revoked", "deadline", "receivedAt", "claimed", "lastContact", "received"].contains(key) {
                    if let text = inner as? String {
                        #expect(isISO(text), "\(path).\(key) = \(text) is not ISO 8601")
                    } else {
                        #expect(inner is NSNull, "\(path).\(key) is neither a time nor null: \(inner)")
                    }
                } else {
                    assertTimes(inner, path: path + "." + key)
                }
            }
        } else if let array = value as? [Any] {
            for (i, inner) in array.enumerated() { assertTimes(inner, path: path + "[\(i)]") }
        }
    }

    static func json(_ result: Subprocess.Result, _ what: String) throws -> Any {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
        assertTimes(object, path: what)
        return object
    }

    @Test func eachObjectHasOneShapeWhereverItIsPrinted() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital", label: "林晓")
        try w.replica("city", org: "fj-fuzhou", role: "city")
        try w.replica("province", org: "fj-province", role: "province")
        let (record, replica, call, refusal, error) = (Kind("record"), Kind("replica"), Kind("call"), Kind("refusal"), Kind("error"))

        func run(_ name: String?, _ arguments: [String], expect status: Int32 = 0) throws -> Any {
            let result = w.run(name, arguments + ["--json"])
            #expect(result.status == status, "\(arguments.joined(separator: " ")): exit \(result.status) \(result.stderr)")
            let object = try Self.json(result, arguments.prefix(2).joined(separator: " "))
            if status != 0 {
                let body = (object as? [String: Any])?["error"]
                error.add(body, from: arguments[0])
                #expect((body as? [String: Any])?["exit"] as? Int == Int(status), "the error object carries the exit code")
            }
            return object
        }

        // Records.
        let created = try run("hospital", ["new", "fujian-2027", "申请表", "--set", "项目名称=县域影像智能辅助诊断", "--set", "项目简介=县域影像。"] + CLIWorkflowTests.application)
        record.add(created, from: "new")
        let id = try #require((created as? [String: Any])?["id"] as? String)
        record.add(try run("hospital", ["edit", id, "--set", "研发进展=场景初试阶段"]), from: "edit")
        record.add(try run("hospital", ["joint", id, "--clear"]), from: "joint")
        record.add(try run("hospital", ["show", id]), from: "show")
        for row in try run("hospital", ["list"]) as! [Any] { record.add(row, from: "list") }
        let submitted = try run("hospital", ["submit", id]) as! [String: Any]
        for item in submitted["records"] as! [[String: Any]] { record.add(item["record"], from: "submit") }
        try w.check(["sync"], in: "hospital")

        // A bulk dry run with one record the city may not take: a refusal, and the error around it.
        try w.check(["sync"], in: "city")
        let bogus = "01900000-0000-7000-8000-000000000001"
        let dry = try run("city", ["recommend", id, bogus, "--opinion", "同意推荐", "--dry-run"], expect: 65) as! [String: Any]
        let dryRecords = (dry["result"] as! [String: Any])["records"] as! [[String: Any]]
        for item in dryRecords {
            if let r = item["record"] as? [String: Any] { record.add(r, from: "recommend --dry-run") }
            if let r = item["refusal"] as? [String: Any] { refusal.add(r, from: "recommend --dry-run") }
        }
        let selecting = try run("city", ["select", id, "--dry-run"], expect: 65) as! [String: Any]
        for item in (selecting["result"] as! [String: Any])["records"] as! [[String: Any]] {
            if let r = item["refusal"] as? [String: Any] { refusal.add(r, from: "select --dry-run") }
        }
        let recommended = try run("city", ["recommend", id, "--opinion", "同意推荐"]) as! [String: Any]
        for item in recommended["records"] as! [[String: Any]] { record.add(item["record"], from: "recommend") }

        // Replicas and calls.
        for row in try run(nil, ["hub", "replicas", "--db", w.hubDB]) as! [Any] { replica.add(row, from: "hub replicas") }
        let enrolled = try run(nil, ["hub", "enroll", "--db", w.hubDB, "--org", "xm-first", "--role", "hospital", "--label", "周医生"]) as! [String: Any]
        replica.add(enrolled["replica"], from: "hub enroll")
        let token = try #require(enrolled["token"] as? String)
        let initialised = try run(nil, ["init", "--hub", w.url, "--token", token, "--dir", w.dir.file("xiamen")]) as! [String: Any]
        replica.add(initialised["replica"], from: "init")
        let status = try run("hospital", ["status"]) as! [String: Any]
        replica.add(status["replica"], from: "status")
        for c in status["calls"] as! [Any] { call.add(c, from: "status") }
        for c in try run("hospital", ["calls"]) as! [Any] { call.add(c, from: "calls") }
        call.add(try run(nil, ["hub", "publish", "--db", w.hubDB, w.dir.file("fujian-2027.json")]), from: "hub publish")
        replica.add(try run(nil, ["hub", "revoke", "--db", w.hubDB, ((enrolled["replica"] as! [String: Any])["id"] as! String)]), from: "hub revoke")

        // A change the hub refuses: the same refusal in the sync's result and in status.
        let frozen = w.run("hospital", ["edit", id, "--set", "研发进展=改"])
        #expect(frozen.status != 0, "a submitted record is frozen on its own replica")
        let sync = try run("hospital", ["sync"]) as! [String: Any]
        #expect(sync["pushed"] is NSNumber && sync["refused"] is [Any] && sync["notices"] is [Any], "\(sync)")

        // Failures: each one error object, on stdout, with the exit code.
        _ = try run("hospital", ["show", bogus], expect: 66)
        _ = try run("hospital", ["list", "--status", "bogus"], expect: 64)
        _ = try run("city", ["select", id], expect: 77)
        _ = try run(nil, ["frobnicate"], expect: 64)

        record.assertOneShape(extraAllowedIn: ["show": ["templateVersion", "fields", "notes", "review", "deadlineStanding", "receivedAt", "files"]])
        replica.assertOneShape()
        call.assertOneShape()
        refusal.assertOneShape()
        error.assertOneShape()
        #expect(Set(record.instances[0].object.keys) == ["id", "call", "form", "unit", "status", "title", "revision", "own", "concluded", "partners", "conflicts"])
        #expect(Set(replica.instances[0].object.keys) == ["id", "org", "role", "label", "lastSync", "revoked"])
        #expect(Set(error.instances[0].object.keys) == ["code", "message", "hint", "exit"])
        #expect(refusal.instances.allSatisfy { ($0.object["code"] as? String)?.isEmpty == false && $0.object["dot"] is NSNull })
        #expect(replica.instances.contains { $0.object["revoked"] is String }, "a revoked replica says when")
    }

    /// Every command of the tree, run with `--json` and nothing else it needs (in a folder with no
    /// replica, no hub): standard output is one JSON document still — its data, or the error object
    /// with the exit code the process returned.
    @Test func everyCommandAnswersInJSONEvenWhenItCannotRun() throws {
        let dir = TemporaryDirectory()
        for path in CLIHelpTests.paths().dropFirst().map({ Array($0.dropFirst()) }) {
            let result = Subprocess.run(path + ["--json", "--dir", dir.file("none")], directory: dir.path)
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
            #expect(object != nil, "tianbao \(path.joined(separator: " ")) --json printed no JSON: \(result.stdout.prefix(200)) \(result.stderr.prefix(200))")
            if result.status != 0 {
                let error = (object as? [String: Any])?["error"] as? [String: Any]
                #expect(error?["exit"] as? Int == Int(result.status), "tianbao \(path.joined(separator: " ")): \(result.stdout.prefix(300))")
            }
        }
        let version = Subprocess.run(["--version", "--json"])
        #expect((try? JSONSerialization.jsonObject(with: Data(version.stdout.utf8)) as? [String: Any])?["version"] is String)
    }
}
