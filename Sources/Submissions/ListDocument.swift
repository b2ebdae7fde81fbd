import Replication

/// A form whose records are the rows of one list — Anhui's 附件1 智慧医疗场景创新工作联系人名单, one
/// record per contact — printed as the unit's whole list on one A4 page: the attachment label and
/// title, 报送单位, the ruled columns of the form's fields after 序号. The rows for the roles the notice
/// names (分管领导, 业务处室负责人: ``FormDocumentSpec/listRoles``, matched in the role field) come first,
/// and a role no record names is printed as an empty row to fill in by hand, so the page the unit
/// stamps always has the lines the notice asks for.
public enum ListDocument {
    public static func html(_ records: [Submission], form: Form, call: CallTemplate, unitName: String) -> String {
        let spec = form.document ?? FormDocumentSpec()
        let roles = spec.listRoles ?? []
        let roleField = spec.roleField
        func role(_ s: Submission) -> Int? {
            guard let roleField, let text = s.value(roleField)?.text else { return nil }
            return roles.firstIndex { text.contains($0) }
        }
        // Role rows in the notice's order, each record once; the rest in the order they were made.
        var ordered: [Submission?] = []
        var placed = Set<String>()
        for index in roles.indices {
            let holders = records.filter { role($0) == index }
            if holders.isEmpty { ordered.append(nil) }
            for s in holders { ordered.append(s); placed.insert(s.id) }
        }
        ordered += records.filter { !placed.contains($0.id) }.map(Optional.some)
        var out = PrintedPage.open(form, unitName: unitName, style: """
            .unit { margin: 0 0 8pt; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #000; padding: 6pt; vertical-align: middle; overflow-wrap: anywhere; }
            th { font-weight: normal; text-align: center; }
            td { height: 12mm; }
            td.n { text-align: center; width: 8%; }
            th:nth-child(2), td:nth-child(2) { width: 12%; white-space: nowrap; }
            th:last-child, td:last-child { width: 18%; }
            """)
        out += """
        <div class="unit">报送单位：\(e(unitName))</div>
        <table border="1" cellspacing="0" cellpadding="6">
        <tr><th>序号</th>
        """
        out += form.fields.map { "<th>\(e($0.label))</th>" }.joined() + "</tr>\n"
        for (i, s) in ordered.enumerated() {
            out += "<tr><td class=\"n\">\(i + 1)</td>"
            for field in form.fields {
                if let s {
                    out += "<td>\(FormDocument.value(s, field))</td>"
                } else {
                    // The role this empty row is for, where the role is written.
                    let missing = roles.indices.filter { index in !records.contains { role($0) == index } }
                    let which = ordered.prefix(i).filter { $0 == nil }.count
                    out += "<td>\(field.key == roleField && which < missing.count ? e(roles[missing[which]]) : "")</td>"
                }
            }
            out += "</tr>\n"
        }
        out += "</table>\n"
        let sources = records.map { "\($0.id):\($0.revision)" }.joined(separator: " · ")
        out += "<div class=\"trace\">\(e(call.id)) · \(records.count) 条记录\(sources.isEmpty ? "" : " · " + e(sources))</div>\n"
        out += "</body>\n</html>\n"
        return out
    }

    static func e(_ text: String) -> String { HTMLRenderer.escape(text) }
}
