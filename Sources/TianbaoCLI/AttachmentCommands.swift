import Messages
import Foundation
import Replication
import Submissions

/// `attach`, `detach`, `extract`: the scanned, stamped copies (扫描件) a record carries.
enum AttachmentCommands {
    static var all: [Command] { [attach, detach, extract] }

    static let attach = Command(
        "attach", abstract: "Attach a file (the scanned, stamped copy: PDF, PNG, JPEG, TIFF or OFD) to a record of your unit.",
        discussion: "The file is kept on this replica at once and sent to the hub by the next sync; every replica that may read the record fetches it. At most 32 MiB a file: scan at 300 dpi, or split a long document.",
        arguments: [Argument("id", help: "The record's id."), Argument("file", help: "The file to attach.")],
        options: [Option("name", value: "NAME", help: "The name it is listed under (default: the file's own name).")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let path = try inv.required("file")
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue
        guard let size else { throw CLIFailure(Message.cannotRead.text(path), hint: Message.hintCheckPath.text(), code: .noInput) }
        // Refused before it is read: a scan of hundreds of megabytes is not loaded to be told so.
        guard size <= ReplicaStore.maxFileBytes else {
            throw CLIFailure("\(path): \(ReplicaStore.FileError.tooLarge(size: size).description)", code: .data)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure(Message.cannotRead.text(path), hint: Message.hintCheckPath.text(), code: .noInput) }
        let name = inv.option("name") ?? (path as NSString).lastPathComponent
        let attachment = try workspace.attach(try inv.required("id"), name: name, bytes: [UInt8](data))
        if inv.flag("json") {
            try JSONOut.print(inv.io, FileActionJSON(record: try inv.required("id"), attachment))
        } else if inv.io.isTerminal {
            inv.io.print(Message.attached.text(attachment.name, ReplicaStore.megabytes(attachment.size), attachment.type))
        }
        return 0
    }

    static let detach = Command(
        "detach", abstract: "Remove a file from a record of your unit (other replicas drop it at their next sync).",
        arguments: [Argument("id", help: "The record's id."), Argument("name", help: "The file's name as 'show' lists it, or the start of its SHA-256.")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let attachment = try workspace.detach(try inv.required("id"), file: try inv.required("name"))
        if inv.flag("json") {
            try JSONOut.print(inv.io, FileActionJSON(record: try inv.required("id"), attachment))
        } else if inv.io.isTerminal { inv.io.print(Message.detached.text(attachment.name)) }
        return 0
    }

    static let extract = Command(
        "extract", abstract: "Write a record's attached file out, checked against its hash.",
        arguments: [Argument("id", help: "The record's id."), Argument("name", help: "The file's name as 'show' lists it, or the start of its SHA-256.")],
        options: [Option("out", value: "FILE", help: "Where to write it (default: its name, in the current folder).")]
    ) { inv in
        let (attachment, bytes) = try ReplicaDirectory(inv).workspace(inv).fileBytes(try inv.required("id"), file: try inv.required("name"))
        let out = inv.option("out") ?? attachment.name
        guard !FileManager.default.fileExists(atPath: out) else {
            throw CLIFailure(Message.fileExists.text(out), hint: Message.fileExistsHint.text(), code: .io)
        }
        do { try Data(bytes).write(to: URL(fileURLWithPath: out)) } catch {
            throw CLIFailure(Message.cannotWrite.text(out, error.localizedDescription), code: .io)
        }
        if inv.flag("json") {
            try JSONOut.print(inv.io, FileActionJSON(record: try inv.required("id"), attachment, out: out))
        } else if inv.io.isTerminal {
            inv.io.print(Message.extracted.text(out, ReplicaStore.megabytes(bytes.count)))
        }
        return 0
    }
}
