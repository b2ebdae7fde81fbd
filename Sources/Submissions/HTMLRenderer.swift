/// A print-ready page laid out like the notice's attachment: the attachment label top left, the
/// title centred, the header line, a ruled table, the footer lines, A4 landscape.
public enum HTMLRenderer {
    static func render(_ table: CompiledTable) -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <title>\(escape(table.table)) \(escape(table.title))</title>
        <style>
        @page { size: A4 landscape; margin: 15mm; }
        body { font-family: "FangSong", "仿宋", "SimSun", "Songti SC", serif; font-size: 12pt; color: #000; }
        .attachment { font-family: "SimHei", "黑体", sans-serif; font-size: 14pt; }
        h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimHei", serif; font-size: 18pt; text-align: center; font-weight: normal; margin: 8pt 0 12pt; }
        .header, .footer { display: flex; gap: 3em; margin: 6pt 0; }
        table { border-collapse: collapse; width: 100%; table-layout: auto; }
        th, td { border: 1px solid #000; padding: 4pt 6pt; vertical-align: middle; word-break: break-all; }
        th { font-family: "SimHei", "黑体", sans-serif; font-weight: normal; text-align: center; }
        td.number { text-align: center; white-space: nowrap; }
        .note { margin-top: 6pt; }
        .provenance { margin-top: 12pt; font-size: 8pt; color: #444; font-family: monospace; word-break: break-all; }
        </style>
        </head>
        <body>
        <div class="attachment">\(escape(table.table))</div>
        <h1>\(escape(table.title))</h1>

        """
        if !table.header.isEmpty {
            out += "<div class=\"header\">" + table.header.map { "<span>\(escape($0.label))：\(escape($0.value))</span>" }.joined() + "</div>\n"
        }
        out += "<table>\n<thead><tr>" + table.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            out += "<tr>" + row.enumerated().map { index, value in
                index == 0 && table.columns.first == "序号" ? "<td class=\"number\">\(escape(value))</td>" : "<td>\(lines(value))</td>"
            }.joined() + "</tr>\n"
        }
        if table.rows.isEmpty { out += "<tr><td colspan=\"\(table.columns.count)\">（无）</td></tr>\n" }
        out += "</tbody>\n</table>\n"
        if !table.footer.isEmpty {
            out += "<div class=\"footer\">" + table.footer.map { "<span>\(escape($0.label))：\(escape($0.value))</span>" }.joined() + "</div>\n"
        }
        if let note = table.note { out += "<div class=\"note\">\(escape(note))</div>\n" }
        out += "<div class=\"provenance\">" + table.provenance.map { "\(escape($0.label))：\(escape($0.value))" }.joined(separator: "<br>") + "</div>\n"
        out += "</body>\n</html>\n"
        return out
    }

    /// Text as HTML shows it and never runs it: a name or a label is data, not markup.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func lines(_ text: String) -> String {
        escape(text).replacingAll(["\r\n", "\n"], with: "<br>")
    }
}
