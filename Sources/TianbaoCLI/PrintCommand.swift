import Messages
import Foundation
import Submissions

/// `print`: a record as the document the notice prints, to sign, stamp and file.
enum PrintCommand {
    static let print = Command(
        "print", abstract: "Print a record as the notice's document (e.g. 附件1 申请表), one record per document, to sign, stamp (盖章) and file.",
        discussion: "Writes A4 HTML: open it in a browser and print, or print to PDF. Every section in the notice's order and labels, the statements with the seal and date lines, the 审核意见 of the supervising department.",
        arguments: [Argument("id", help: "The record's id.")],
        options: [Option("out", value: "FILE", help: "Write to FILE (e.g. 申请表.html) instead of standard output.")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let submission = try workspace.submission(try inv.required("id"))
        let (call, form) = try workspace.template(of: submission)
        let unitName = try workspace.directory()[submission.unit]?.name ?? submission.unit
        // A list form (Anhui's 附件1) prints as the unit's whole list, whichever of its records is named.
        let html = form.document?.listRoles != nil
            ? ListDocument.html(try workspace.submissions(call: call.id, form: form.id).filter { $0.unit == submission.unit },
                                form: form, call: call, unitName: unitName)
            : FormDocument.html(submission, form: form, call: call, unitName: unitName)
        guard let out = inv.option("out") else {
            if inv.flag("json") {
                try JSONOut.print(inv.io, DocumentJSON(record: try JSONOut.record(submission.id, workspace), out: nil, html: html))
            } else {
                inv.io.write(html)
            }
            return 0
        }
        do { try Data(html.utf8).write(to: URL(fileURLWithPath: out)) } catch {
            throw CLIFailure(Message.cannotWrite.text(out, error.localizedDescription), code: .io)
        }
        if inv.flag("json") {
            try JSONOut.print(inv.io, DocumentJSON(record: try JSONOut.record(submission.id, workspace), out: out, html: nil))
        } else if inv.io.isTerminal {
            inv.io.print(Message.wroteDocument.text(out, "\(form.attachment) \(form.title)", unitName))
        }
        return 0
    }

    /// What `print --json` prints: the record, and the document (or where it was written).
    struct DocumentJSON: Encodable {
        let record: RecordJSON
        @Nullable var out: String?
        @Nullable var html: String?
    }
}
