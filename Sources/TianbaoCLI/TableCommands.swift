import Messages
import Foundation
import Submissions

/// `compile`, `completeness` and `library`.
enum TableCommands {
    static var all: [Command] { [compile, completeness, library] }

    static let compile = Command(
        "compile", abstract: "Compile a summary table (e.g. 附件2 推荐汇总表) from this replica's records, offline.",
        discussion: "The footer carries the version vector and the table's SHA-256, which the hub recomputes before it is stamped (盖章).",
        arguments: [Argument("call", help: "The call, e.g. fujian-2026."), Argument("table", help: "The table, e.g. 附件2.")],
        options: [Option("unit", value: "ORG", help: "The reporting unit (a city commission or provincial institution); this replica's own unit without it, and province-wide on the province's replica."),
                  libraryFlag] + viewOptions
            + TableOutput.options
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        _ = try TableOutput.format(inv)   // a wrong --format is told before any work
        let table = try workspace.compile(call: try inv.required("call"), table: try inv.required("table"),
                                          unit: try unit(inv, workspace), view: try view(inv))
        try TableOutput.write(table, inv)
        return 0
    }

    static let library = Command(
        "library", abstract: "Show the province's selection (入库) against the call's targets, and the records selected.",
        discussion: "A target is the notice's (Anhui: 10 场景机会 and 10 场景能力; Fujian: 10个以上 a year): past an exact target is warned about, never refused. 'tianbao compile CALL TABLE --library' prints the library as a table.",
        arguments: [Argument("call", help: "The call, e.g. anhui-2023.")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let callID = try inv.required("call")
        guard let progress = try workspace.selectionProgress(call: callID) else {
            throw CLIFailure(Message.noSelectionTarget.text(callID), hint: Message.noSelectionTargetHint.text(), code: .data)
        }
        if inv.flag("json") { try JSONOut.print(inv.io, progress); return 0 }
        inv.io.print("\(progress.library) (\(progress.call))")
        let directory = try workspace.directory()
        let call = try workspace.call(callID)
        for form in progress.forms {
            let mark = switch form.state { case "met": "✓"; case "over": "⚠"; default: "…" }
            inv.io.print("  \(mark)  \(form.attachment) \(form.title)  \(form.selected)/\(form.atLeast ? "≥" : "")\(form.target)"
                         + (form.changedSinceSelection > 0 ? "  (\(form.changedSinceSelection) changed since selected)" : ""))
            if let warning = form.warning { inv.io.print("     \(warning)") }
            for s in try workspace.submissions(call: callID, form: form.form, status: .selected) {
                guard let spec = call.form(s.form) else { continue }
                inv.io.print("     \(s.id)  \(directory[s.unit]?.name ?? s.unit)  \(Render.title(s, form: spec))")
            }
        }
        inv.io.print(Message.basis.text(progress.basis))
        return 0
    }

    static let viewOptions: [Option] = [
        Option("guide", value: "N,N…", help: "Only records tagged with one of these 参考指引场景 (the national guide's scenario numbers)."),
        Option("guide-category", value: "NAME", help: "Only records tagged with a scenario of this category of the guide (e.g. 医疗服务, or its place 1–13)."),
        Option("group-by", value: "guide|category", help: "Group the rows by 参考指引场景 or by its category; a first column names each record's."),
    ]

    /// The cut of the table the options ask for.
    static func view(_ inv: Invocation) throws -> TableView {
        var view = TableView(library: inv.flag("library"))
        if let list = inv.option("guide") {
            let parts = list.split(whereSeparator: { ",，、 ".contains($0) })
            let numbers = parts.compactMap { Int($0) }
            guard numbers.count == parts.count, !numbers.isEmpty, numbers.allSatisfy({ GuideCatalog.national.scenario($0) != nil }) else {
                throw CLIFailure(Message.guideNumbers.text(list, GuideCatalog.national.scenarios.count), hint: Message.guideNumbersHint.text(), code: .usage)
            }
            view.scenarios = Set(numbers)
        }
        view.category = try inv.option("guide-category").map { try TableView.category(named: $0) }
        view.groupBy = try inv.choice("group-by", as: TableView.Grouping.self)
        return view
    }

    static let libraryFlag = Option("library", help: "Only the records the province selected (入库): the call's library, e.g. 全省重点领域应用场景备选发布清单库.")

    /// The unit whose table a replica compiles: its own unless told. A replica holds only its own
    /// unit's records (and its units'), so another unit's table, or the province's, would be a
    /// table with rows missing: refused, not printed.
    static func unit(_ inv: Invocation, _ workspace: Workspace) throws -> String? {
        let directory = try workspace.directory()
        let own = workspace.actor.org
        let asked = try inv.option("unit").map { try directory.resolve($0).code }
        if directory[own]?.kind == .province { return asked }
        let mine = directory[own]?.reportingUnit ?? own
        guard let asked else { return mine }
        guard asked == mine || asked == own else {
            throw CLIFailure(Message.otherUnitsTable.text(directory[mine]?.name ?? mine, directory[asked]?.name ?? asked),
                             hint: Message.otherUnitsTableHint.text(), code: .usage)
        }
        return asked
    }

    static let completeness = Command(
        "completeness", abstract: "Show each expected unit's counts against its quota, how far it got, and whether it is late.",
        arguments: [Argument("call", help: "The call, e.g. anhui-2023.")]
    ) { inv in
        try show(try ReplicaDirectory(inv).workspace(inv).completeness(call: try inv.required("call")), inv)
        return 0
    }

    /// The completeness report as the replica's and the hub's command print it.
    static func show(_ report: Completeness, _ inv: Invocation) throws {
        if inv.flag("json") { try JSONOut.print(inv.io, CompletenessJSON(report)); return }
        inv.io.print(report.millisecondsLeft > 0 ? Message.deadlineLeft.text(report.call, report.deadline, Format.duration(report.millisecondsLeft))
                     : Message.deadlinePassed.text(report.call, report.deadline))
        for unit in report.units {
            let counts = unit.forms.map { "\($0.attachment) \($0.reported)\($0.quota > 0 ? "/\($0.quota)" : "")" }.joined(separator: "  ")
            let mark = unit.quotaMet ? "✓" : (unit.late ? Message.lateMark.text() : "…")
            inv.io.print("  \(mark)  \(unit.name) (\(unit.code))  \(counts)  \(Message.furthest.text(stage(unit.furthest)))")
            for m in unit.members {
                let filed = m.submitted.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "  ")
                inv.io.print("       \(m.name) (\(m.code))  \(filed.isEmpty ? Message.nothingSubmitted.text() : filed)\(m.drafting > 0 ? "  " + Message.drafting.text(m.drafting) : "")  \(Message.furthest.text(stage(m.furthest)))")
            }
            for o in unit.offline {
                inv.io.print("       " + Message.offlineLine.text(o.record, Format.time(o.claimed), o.lastContact.map { Format.time($0) } ?? Message.unknownTime.text(),
                                                              Format.time(o.received)))
            }
        }
    }

    /// How far a unit got, in the reader's language.
    static func stage(_ stage: Completeness.Stage) -> String {
        switch stage {
        case .none: Message.stageNone.text()
        case .drafting: Message.stageDrafting.text()
        case .submitted: Message.stageSubmitted.text()
        case .recommended: Message.stageRecommended.text()
        case .selected: Message.stageSelected.text()
        }
    }
}
