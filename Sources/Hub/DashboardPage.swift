import Foundation
import Messages
import Submissions

/// The dashboard as one HTML page, rendered by the hub: no script, no framework, no outside file
/// (styles inline), so it opens on the health network's machines as it is, prints as it looks, and
/// carries nothing but what the viewer may see. Its words are the catalogue's Chinese.
enum DashboardPage {
    static func say(_ message: Message, _ values: any CustomStringConvertible...) -> String {
        message.text(in: .chinese, values)
    }

    static func html(_ d: Dashboard) -> String {
        var out = head(say(.dbTitle))
        out += "<header><h1>\(say(.dbTitle))</h1>"
        out += "<p class=\"meta\">\(escape(say(.dbViewer, d.viewer, d.viewerUnit, time(d.now))))</p>"
        out += "<p class=\"meta\">\(escape(d.city == nil ? say(.dbScopeProvince) : say(.dbScopeCity, d.viewerUnit)))</p></header>\n"
        for call in d.calls { out += panel(call, now: d.now) }
        out += replicas(d)
        out += stamps(d)
        out += "<footer>\(escape(say(.dbFooter)))</footer>\n</body></html>\n"
        return out
    }

    /// A page that shows nothing but why: a login to give, or a token that may not look.
    static func notice(_ title: String, _ text: String) -> String {
        head(title) + "<header><h1>\(escape(say(.dbTitle)))</h1></header><section><h2>\(escape(title))</h2><p>\(escape(text))</p></section></body></html>\n"
    }

    static func head(_ title: String) -> String {
        """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <meta name="robots" content="noindex"><title>\(escape(title))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:1.5em;color:#222;font-size:14px}
        h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:2px solid #a33;padding-bottom:.2em}
        h3{font-size:1em;margin:1em 0 .3em}.meta{color:#555;margin:.1em 0}
        table{border-collapse:collapse;margin:.3em 0 .8em;width:100%}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
        th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.member td:first-child{padding-left:2em;color:#444}
        .late{color:#b00;font-weight:bold}.met{color:#070}.open{color:#a60}.warn{color:#b00}.deadline{font-weight:bold}
        code{font-size:.9em}footer{margin-top:2em;color:#666;font-size:.9em}
        section{page-break-inside:avoid}
        @media print{body{margin:0;font-size:11px}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
        </style></head><body>

        """
    }

    static func panel(_ call: Dashboard.CallPanel, now: Int64) -> String {
        let left = call.deadlineEnd - now
        var out = "<section><h2>\(escape(call.title))</h2>"
        out += "<p class=\"meta\">\(escape(call.documentNumber)) · <code>\(escape(call.id))</code></p>"
        out += "<p class=\"deadline \(left > 0 ? "open" : "late")\">"
            + escape(left > 0 ? say(.dbDeadlineLeft, call.deadline, duration(left)) : say(.dbDeadlinePassed, call.deadline)) + "</p>"
        out += "<h3>\(say(.dbStates))</h3><table><tr>"
        out += call.byStatus.map { "<th>\(escape($0.0.chinese))</th>" }.joined() + "</tr><tr>"
        out += call.byStatus.map { "<td class=\"n\">\($0.1)</td>" }.joined() + "</tr></table>"
        if let selection = call.selection {
            out += "<h3>\(escape(say(.dbSelection)))</h3><ul>"
            for form in selection.forms {
                let state = switch form.state { case "met": say(.dbStateMet); case "over": say(.dbStateOver); default: say(.dbStateBelow) }
                let line = say(.dbSelectionLine, "\(form.attachment) \(form.title)", form.selected, "\(form.atLeast ? "≥" : "")\(form.target)", state)
                out += "<li class=\"\(form.state == "over" ? "warn" : form.state == "met" ? "met" : "open")\">\(escape(line))</li>"
            }
            out += "</ul>"
        }
        out += "<h3>\(say(.dbCompleteness))</h3><table><tr><th>\(say(.dbUnit))</th><th>\(say(.dbCounts))</th>"
            + "<th>\(say(.dbFurthest))</th><th>\(say(.dbStanding))</th></tr>"
        for unit in call.completeness.units {
            let counts = unit.forms.map { "\($0.attachment) \($0.reported)\($0.quota > 0 ? "（\($0.quota)）" : "")" }.joined(separator: "　")
            let (mark, css) = unit.quotaMet ? (say(.dbMet), "met") : unit.late ? (say(.dbLate), "late") : (say(.dbOpen), "open")
            out += "<tr><td>\(escape(unit.name))</td><td>\(escape(counts))</td><td>\(escape(stage(unit.furthest)))</td>"
                + "<td class=\"\(css)\">\(escape(mark))</td></tr>"
            for member in unit.members {
                let submitted = member.submitted.values.reduce(0, +)
                let counts = submitted == 0 ? say(.dbNothing) : member.submitted.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "　")
                out += "<tr class=\"member\"><td>\(escape(member.name))</td><td>\(escape(counts))</td><td>\(escape(stage(member.furthest)))</td><td></td></tr>"
            }
        }
        return out + "</table></section>\n"
    }

    static func replicas(_ d: Dashboard) -> String {
        var out = "<section><h2>\(say(.dbReplicas))</h2><table><tr><th>\(say(.dbUnit))</th><th>\(say(.dbUser))</th><th>\(say(.dbRole))</th>"
            + "<th>\(say(.dbLastContact))</th><th>\(say(.dbOffline))</th><th>\(say(.dbRefusedWaiting))</th></tr>"
        for r in d.replicas.sorted(by: { ($0.lastSync ?? 0) < ($1.lastSync ?? 0) }) {
            let contact = r.revoked.map { say(.dbRevoked, time($0)) } ?? r.lastSync.map(time) ?? say(.dbNever)
            let offline = r.revoked == nil ? r.lastSync.map { duration(d.now - $0) } ?? "—" : "—"
            let long = r.revoked == nil && (r.lastSync.map { d.now - $0 > 3 * 86_400_000 } ?? true)
            out += "<tr><td>\(escape(r.unit))</td><td>\(escape(r.label ?? String(r.replica.prefix(8))))</td><td>\(escape(r.role))</td>"
                + "<td>\(escape(contact))</td><td class=\"\(long ? "warn" : "")\">\(escape(offline))</td>"
                + "<td class=\"n\(r.refusedWaiting > 0 ? " warn" : "")\">\(r.refusedWaiting)</td></tr>"
        }
        return out + "</table></section>\n"
    }

    static func stamps(_ d: Dashboard) -> String {
        var out = "<section><h2>\(escape(say(.dbStamps)))</h2>"
        guard !d.stamps.isEmpty else { return out + "<p>\(say(.dbNoStamps))</p></section>\n" }
        out += "<table><tr><th>\(say(.dbCall))</th><th>\(say(.dbTable))</th><th>\(say(.dbUnit))</th><th>\(say(.dbHash))</th>"
            + "<th>\(say(.dbStampedBy))</th><th>\(say(.dbTime))</th></tr>"
        for (stamp, unitName) in d.stamps {
            out += "<tr><td><code>\(escape(stamp.call))</code></td><td>\(escape(stamp.table))</td>"
                + "<td>\(escape(stamp.unit.isEmpty ? say(.dbProvinceWide) : unitName))</td><td><code>\(escape(String(stamp.sha256.prefix(16))))…</code></td>"
                + "<td>\(escape(stamp.by))</td><td>\(escape(time(stamp.at)))</td></tr>"
        }
        return out + "</table></section>\n"
    }

    static func stage(_ stage: Completeness.Stage) -> String {
        switch stage {
        // A unit's drafts are its own until submitted: to the province and a city it has not begun.
        case .none, .drafting: say(.stageNone)
        case .submitted: say(.stageSubmitted)
        case .recommended: say(.stageRecommended)
        case .selected: say(.stageSelected)
        }
    }

    /// A moment in China's time (UTC+8, no daylight saving), to the minute.
    static func time(_ ms: Int64) -> String {
        String(CivilTime.text(milliseconds: ms, offsetSeconds: 8 * 3600).dropLast(3))
    }

    static func duration(_ ms: Int64) -> String {
        let minutes = max(0, ms) / 60_000
        let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60)
        if days > 0 { return say(.durationDays, days, hours) }
        if hours > 0 { return say(.durationHours, hours, mins) }
        return say(.durationMinutes, mins)
    }

    /// Text as HTML shows it and never runs it: a unit's name or a label is data, not markup.
    static func escape(_ text: String) -> String { HTMLRenderer.escape(text) }
}
