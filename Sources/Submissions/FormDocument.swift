import Replication

/// One record as the document the notice prints — Fujian's 附件1 申请表, one project per document —
/// to be printed, signed, stamped and filed: the attachment label and title, each section in the
/// notice's order and labels (choices printed with every option, ☑ the ones chosen), the notes
/// under 一、基本信息, the long texts in ruled boxes, the applicant's statements with the seal and date
/// lines, the supervising department's 审核意见 with its seal and date, and the line on copies.
/// A4 portrait HTML; a form without a document part in its template prints its fields alike.
public enum FormDocument {
    public static func html(_ s: Submission, form: Form, call: CallTemplate, unitName: String) -> String {
        let spec = form.document ?? FormDocumentSpec()
        var out = PrintedPage.open(form, unitName: unitName, style: """
            h2 { font-family: "SimHei", "黑体", sans-serif; font-size: 13pt; font-weight: normal; margin: 12pt 0 6pt; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #000; padding: 5pt 6pt; vertical-align: middle; word-break: break-all; }
            th { font-weight: normal; text-align: center; width: 20%; }
            th.sub { width: auto; white-space: nowrap; }
            td.short { white-space: nowrap; }
            .box { padding: 6pt 8pt; height: 45mm; vertical-align: top; white-space: pre-wrap; word-break: break-all; }
            .options span { margin-right: 1.2em; white-space: nowrap; }
            .notes { margin: 6pt 0; font-size: 11pt; }
            .seal { margin-top: 18pt; text-align: right; padding-right: 4em; }
            .date { text-align: right; padding-right: 4em; margin-top: 6pt; }
            ol { margin: 4pt 0; padding-left: 1.6em; }
            .copies { margin-top: 10pt; }
            """)
        // Fields by section, in the form's order; the declaration's fields print in its own block.
        var sections: [(name: String, fields: [FieldSpec])] = []
        for field in form.fields where field.key != spec.declaration && field.key != spec.declarationDate {
            let name = field.section ?? ""
            if sections.last?.name == name { sections[sections.count - 1].fields.append(field) } else { sections.append((name, [field])) }
        }
        let declarationSection = spec.declaration.flatMap { key in form.fields.first { $0.key == key }?.section }
        for section in sections {
            let fields = section.fields.filter { field in !(isEmpty(s, field) && !field.required) }
            if fields.count == 1, fields[0].type == .longText {
                // A section that is one long text: its heading carries the notice's guidance.
                let field = fields[0]
                out += "<h2>\(e(section.name))\(field.hint.map { "（\(e($0))）" } ?? "")</h2>\n"
                out += "<table border=\"1\" cellspacing=\"0\" cellpadding=\"6\"><tr><td class=\"box\">\(e(display(s, field)))</td></tr></table>\n"
                continue
            }
            if !section.name.isEmpty { out += "<h2>\(e(section.name))</h2>\n" }
            out += Self.table + rows(fields, s) + "</table>\n"
            if let notes = spec.notes, spec.notesAfter == section.name {
                out += "<div class=\"notes\">备注：" + notes.enumerated().map { "\($0.offset + 1). \(e($0.element))" }.joined(separator: "<br>") + "</div>\n"
            }
        }
        if let declarationSection {
            out += "<h2>\(e(declarationSection))</h2>\n" + Self.table
            out += declaration(s, form: form, spec: spec)
            out += review(s, call: call, spec: spec)
            out += "</table>\n"
        }
        if let copies = spec.copies { out += "<div class=\"copies\">\(e(copies))</div>\n" }
        out += "<div class=\"trace\">记录 \(e(s.id)) · \(e(call.id)) · 状态 \(e(s.status.chinese)) · 修订 \(e(s.revision))</div>\n"
        out += "</body>\n</html>\n"
        return out
    }

    /// The rows of a section's table. A field whose group names an earlier field's label (手机号码
    /// under 单位联系人) shares that field's row, as the notice lays it out.
    static func rows(_ fields: [FieldSpec], _ s: Submission) -> String {
        var rows: [[FieldSpec]] = []
        for field in fields {
            if let group = field.group, let at = rows.lastIndex(where: { $0.first?.label == group }) {
                rows[at].append(field)
            } else {
                rows.append([field])
            }
        }
        let columns = max(2, (rows.map(\.count).max() ?? 1) * 2)
        return rows.map { row in
            let cells = row.enumerated().map { i, field in
                let span = i == row.count - 1 ? columns - row.count * 2 + 1 : 1
                // A label after the first on a row is as wide as its text; short values stay on one line.
                let label = i == 0 ? "<th>" : "<th class=\"sub\">"
                let text = display(s, field)
                let short = row.count > 1 && text.count <= 24 && !text.contains("\n") ? " class=\"short\"" : ""
                return "\(label)\(e(field.label))</th><td\(short)\(span > 1 ? " colspan=\"\(span)\"" : "")>\(value(s, field))</td>"
            }
            return "<tr>" + cells.joined() + "</tr>\n"
        }.joined()
    }

    /// A field's value as printed: every option of a choice, ☑ those chosen.
    static func value(_ s: Submission, _ field: FieldSpec) -> String {
        guard let options = field.options, field.type == .choice || field.type == .multiChoice else {
            return e(display(s, field)).replacingAll(["\n"], with: "<br>")
        }
        let chosen = Set((field.type.isSet ? s.elements(field.key) : [s.value(field.key)].compactMap { $0 }).compactMap(\.text))
        var marks = options.map { option in
            let picked = chosen.contains(option) || chosen.contains { field.otherOption == option && $0.hasPrefix(option + "：") }
            return "<span>\(picked ? "☑" : "☐")\(e(option))</span>"
        }
        if let other = chosen.first(where: { $0.contains("：") && field.otherOption.map($0.hasPrefix) == true }) {
            marks.append("<span>（\(e(String(other.drop { $0 != "：" }.dropFirst())))）</span>")
        }
        return "<div class=\"options\">" + marks.joined() + "</div>"
    }

    static func declaration(_ s: Submission, form: Form, spec: FormDocumentSpec) -> String {
        guard let key = spec.declaration, let field = form.fields.first(where: { $0.key == key }) else { return "" }
        let agreed = s.value(key) == .bool(true) || display(s, field) == "是"
        var cell = "<ol>" + (spec.statements ?? []).map { "<li>\(e($0))</li>" }.joined() + "</ol>"
        cell += "<div>\(agreed ? "☑" : "☐")以上声明均属实</div>"
        cell += "<div class=\"seal\">\(e(spec.applicantSeal ?? ""))</div>"
        let date = spec.declarationDate.flatMap { s.value($0)?.text }.flatMap(SimpleDate.init)
        cell += "<div class=\"date\">日期：\(date.map(chinese) ?? "　　年　　月　　日")</div>"
        return "<tr><th>\(e(field.label))</th><td>\(cell)</td></tr>\n"
    }

    /// The supervising department's opinion: the city's recommendation (or return) as reviewed.
    static func review(_ s: Submission, call: CallTemplate, spec: FormDocumentSpec) -> String {
        var cell = ""
        var date = "　　年　　月　　日"
        if let review = s.workflow.review {
            let verdict = review.entry.action == .recommend ? "同意推荐" : "退回"
            let text = review.entry.text.map { "：" + $0 } ?? ""
            cell += "<div>" + e(verdict + text) + "</div>"
            date = chinese(SimpleDate(dayOf: review.at.wall, utcOffsetHours: call.utcOffsetHours))
        }
        cell += "<div class=\"seal\">\(e(spec.reviewSeal ?? ""))</div><div class=\"date\">日期：\(date)</div>"
        return "<tr><th>审核意见</th><td>\(cell)</td></tr>\n"
    }

    static func display(_ s: Submission, _ field: FieldSpec) -> String {
        field.type.isSet ? FieldCodec.display(elements: s.elements(field.key), field) : FieldCodec.display(s.value(field.key), field)
    }

    static func isEmpty(_ s: Submission, _ field: FieldSpec) -> Bool {
        field.type.isSet ? s.elements(field.key).isEmpty : (s.value(field.key) == nil || s.value(field.key) == .null || s.value(field.key)?.text == "")
    }

    /// 2026年1月20日, as the notice writes dates.
    static func chinese(_ date: SimpleDate) -> String { "\(date.year)年\(date.month)月\(date.day)日" }

    static func e(_ text: String) -> String { HTMLRenderer.escape(text) }

    /// A ruled table also where the style sheet is not read (a word processor opening the file).
    static let table = "<table border=\"1\" cellspacing=\"0\" cellpadding=\"5\">\n"
}
