import Messages
import Replication

extension Workspace {
    /// The records a reporting unit's tables list: its own once submitted, its hospitals' once its
    /// city recommended them (a returned record drops out until recommended again).
    static func reachesTables(_ submission: Submission, owner: Organization?) -> Bool {
        let direct = owner.map { $0.reportingUnit == $0.code } ?? false
        switch submission.status {
        case .draft, .returned: return false
        case .submitted: return direct
        case .recommended, .selected, .notSelected: return true
        }
    }

    /// Derives the tables' rows of the records that arrived since the last time, so the first
    /// table compiled after a large sync reads rows instead of every field of every record. A sync,
    /// an import and a first clone call it; compiling does it too when they did not.
    public func refreshTables() throws {
        try store.refresh(TableProjection(catalog: try catalog(), directory: try directory()))
    }

    /// Compiles `table` of `call` for reporting unit `unit` (a city commission or a provincial
    /// institution), or province-wide when `unit` is `nil`, cut as `view` says: only the records
    /// the province selected (the call's library, 全省重点领域应用场景备选发布清单库), only some of
    /// the national guide's scenarios, grouped by them.
    ///
    /// Rows are ordered by reporting unit code, then by when the record was (last) submitted, then
    /// by record id; 序号 counts from 1. The order uses only replicated data, so every replica with
    /// the same records prints the same bytes.
    public func compile(call callID: String, table tableID: String, unit unitCode: String? = nil, view: TableView = TableView()) throws -> CompiledTable {
        let library = view.library
        let catalog = try catalog()
        let call = try catalog.resolve(callID)
        guard var spec = call.table(named: tableID) else {
            throw DomainError.unknownTable(tableID, call: call.id, known: call.tableChoices)
        }
        guard let form = call.form(spec.form) else { throw DomainError.unknownForm(spec.form, call: call.id, known: call.forms.map(\.id)) }
        let directory = try directory()
        var unit: Organization?
        if let unitCode {
            let org = try directory.resolve(unitCode)
            guard org.reportingUnit == org.code, org.kind != .province else {
                if org.kind == .province {
                    throw DomainError.refused(code: "not_reporting_unit", reason: Message.provinceCompiles.text(org.name))
                }
                throw DomainError.refused(code: "not_reporting_unit",
                                          reason: Message.reportsThrough.text(org.name, directory[org.reportingUnit]?.name ?? org.reportingUnit))
            }
            if let compilers = spec.compiledBy, !compilers.contains(org.kind) {
                throw DomainError.refused(code: "not_reporting_unit",
                                          reason: Message.notCompiler.text(org.name, (org.provincial ? "省属" : "") + org.kind.chinese, "\(spec.id) \(spec.title)",
                                                                  compilers.map(\.chinese).joined(separator: "、"), spec.note.map { " \($0)" } ?? ""))
            }
            unit = org
        }
        if library {
            guard let selection = call.selection else {
                throw DomainError.refused(code: "no_library", reason: Message.noLibrary.text(call.id))
            }
            spec.title = "\(selection.library)：\(spec.title)"
        } else if unit == nil {
            spec.title += "（全省汇总）"
        }
        if unit == nil {
            // The province's own table: its lines, not a reporting unit's (盖章 by a 设区市卫健委).
            spec.header = spec.provinceHeader ?? TableSpec.provinceDefaultHeader
            spec.footer = spec.provinceFooter ?? TableSpec.provinceDefaultFooter
            spec.note = nil
        }

        // One projected row per record, already in table order.
        try store.refresh(TableProjection(catalog: catalog, directory: directory))
        let keys = TableProjection.keys(call: call, form: form)
        var rows = try TableProjection.rows(in: store, call: call.id, form: form.id, unit: unit?.code)
        if library, let status = keys.firstIndex(of: TableProjection.statusKey) {
            rows = rows.filter { $0.cells.count > status && $0.cells[status] == Status.selected.rawValue }
        }
        // The guide's scenarios: filter, then group (stably, so the table order holds within a group).
        var groupLabels: [String] = []
        if view.scenarios != nil || view.category != nil || view.groupBy != nil, let slot = keys.firstIndex(of: TableProjection.guideKey) {
            let guide = GuideCatalog.national
            func numbers(_ row: TableProjection.Row) -> [Int] {
                row.cells.count > slot ? row.cells[slot].split(separator: ",").compactMap { Int($0) } : []
            }
            rows = rows.filter { view.admits(numbers($0), guide: guide) }
            let grouped = rows.enumerated().map { (index: $0.offset, row: $0.element, group: view.group(numbers($0.element), guide: guide)) }
                .sorted { ($0.group.order, $0.index) < ($1.group.order, $1.index) }
            rows = grouped.map(\.row)
            groupLabels = grouped.map(\.group.label)
            if let column = view.groupColumn {
                spec.columns.insert(column, at: spec.columns.first?.source == "#" ? 1 : 0)
                spec.title += view.groupBy == .guide ? "（按参考指引场景分组）" : "（按参考指引场景类别分组）"
            }
            if let line = view.filterLine { spec.header.append(TableSpec.Binding(label: line.label, source: "=" + line.value)) }
        }

        let about = unit ?? directory.province
        func bound(_ binding: TableSpec.Binding) -> CompiledTable.Line {
            let value: String
            switch binding.source {
            case "unit.name": value = about?.name ?? call.authority
            case "unit.contact": value = about?.contact ?? ""
            case "unit.phone": value = about?.phone ?? ""
            case let literal where literal.hasPrefix("="): value = String(literal.dropFirst())
            default: value = ""
            }
            return CompiledTable.Line(label: binding.label, value: value)
        }
        // Where each column's text sits in a row's cells (-1: 序号; -2: none; -3: the group).
        let slots: [Int] = spec.columns.map { column in
            if column.source == "#" { return -1 }
            if column.source == TableView.groupSource { return -3 }
            if column.source == "unit.name" { return 0 }
            guard column.source.hasPrefix("field:") else { return -2 }
            return keys.firstIndex(of: String(column.source.dropFirst(6))) ?? -2
        }
        // A row whose answers are no longer the revision recommended (or submitted) is marked
        // (※ after its 序号) and named under the table: what was approved is not what it shows.
        let changed = rows.enumerated().filter { $0.element.cells.count > 2 && $0.element.cells[1] != $0.element.cells[2] }.map { $0.offset + 1 }
        let marked = Set(changed)
        let cells: [[String]] = rows.enumerated().map { index, row in
            slots.map { slot in
                switch slot {
                case -1: String(index + 1) + (marked.contains(index + 1) ? "※" : "")
                case -3: index < groupLabels.count ? groupLabels[index] : ""
                case 0..<row.cells.count: row.cells[slot]
                default: ""
                }
            }
        }
        let vector = store.versionVector().entries.sorted { $0.key < $1.key }.map { "\($0.key.hex):\($0.value)" }.joined(separator: ",")
        let revisions = rows.map { "\($0.record):\($0.cells.count > 1 ? $0.cells[1] : "")" }
        return CompiledTable(call: call, spec: spec, unit: unit?.code, header: spec.header.map(bound), rows: cells,
                             footer: spec.footer.map(bound), records: rows.map(\.record), revisions: revisions, changedSinceApproval: changed,
                             versionVector: vector)
    }
}
