import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct CLIEditingTests {
    @Test func editOpensTheRecordInEDITORAndAppliesWhatChanged() throws {
        let w = try CLIWorld()
        let folder = try w.replica("hospital", org: "fz-first", role: "hospital")
        let id = try w.check(["new", "fujian-2027", "application", "--set", "项目名称=旧名称", "--set", "团队简介=不变"], in: "hospital")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // An "editor" that renames the project and writes a two-line summary.
        let editor = w.dir.file("editor.sh")
        try """
        #!/bin/sh
        sed -i 's/^项目名称: 旧名称$/项目名称: 新名称/' "$1"
        sed -i 's/^项目简介: $/项目简介: |\\n  第一行\\n  第二行/' "$1"
        """.write(toFile: editor, atomically: true, encoding: .utf8)
        chmod(editor, 0o755)
        let edited = w.run("hospital", ["edit", id], environment: ["EDITOR": editor])
        #expect(edited.status == 0, "\(edited.stderr)")
        let shown = try w.check(["show", id, "--json"], in: "hospital").stdout
        #expect(shown.contains("\"项目名称\" : \"新名称\""))
        #expect(shown.contains("\"项目简介\" : \"第一行\\n第二行\""))
        #expect(shown.contains("\"团队简介\" : \"不变\""))
        // Only what changed was written: two changes in the log after the create.
        let log = try w.check(["log", id, "--json"], in: "hospital").stdout
        #expect(log.components(separatedBy: "\"field\" : \"项目名称\"").count == 3)
        // An editor that changes nothing writes nothing.
        let unchanged = w.run("hospital", ["edit", id], environment: ["EDITOR": "true"])
        #expect(unchanged.status == 0 && unchanged.stderr == say("No changes.\n", "没有修改。\n"))
        // The token is readable by its owner only.
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/token")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func valuesFromAJSONFile() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        try #"{"项目名称": "从文件导入", "应用场景方向": ["卫生便民服务方向", "其他方向"], "其他方向说明": "面向患者服务"}"#
            .write(toFile: w.dir.file("values.json"), atomically: true, encoding: .utf8)
        let id = try w.check(["new", "fujian-2027", "application", "--from", w.dir.file("values.json"), "--json"], in: "hospital").stdout
        let record = try JSONSerialization.jsonObject(with: Data(id.utf8)) as! [String: Any]
        let shown = try w.check(["show", (record["id"] as! String), "--json"], in: "hospital").stdout
        #expect(shown.contains("\"应用场景方向\" : \"卫生便民服务方向、其他方向\""))
        let list = try w.check(["list", "--json", "--status", "draft"], in: "hospital").stdout
        #expect(list.contains("从文件导入"))
        let bad = w.run("hospital", ["list", "--status", "finished"])
        #expect(bad.status == 64 && bad.stderr.contains(say("--status must be one of draft, submitted", "--status 应为 draft, submitted")))
    }

    /// A number or a choice that is not one is a usage error naming the option, never a default.
    @Test func typedOptionsRefuseWhatTheyCannotRead() throws {
        let w = try CLIWorld()
        try w.replica("hospital", org: "fz-first", role: "hospital")
        let budget = w.run("hospital", ["sync", "--budget", "soon"])
        #expect(budget.status == 64 && budget.stderr.contains(say("--budget takes a number from 0.0 to 86400.0, not 'soon'", "--budget 应为 0.0 到 86400.0 之间的数，不是 'soon'")), "\(budget.stderr)")
        let negative = w.run("hospital", ["sync", "--budget", "-5"])
        #expect(negative.status == 64 && negative.stderr.contains("--budget"))
        let role = w.run("hospital", ["hub", "enroll", "--db", w.dir.file("none.sqlite"), "--org", "fz-first", "--role", "doctor"])
        #expect(role.status == 64 && role.stderr.contains(say("--role must be one of province, city, hospital, enterprise, not 'doctor'", "--role 应为 province, city, hospital, enterprise 之一，不是 'doctor'")), "\(role.stderr)")
    }
}
