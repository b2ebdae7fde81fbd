import Messages
import Submissions

/// The notices' own names where the CLI takes a call or a form: a call by its id or 文号, a form by
/// its id, 附件 label, title or the notice's other names (申请表), resolved once to ids.
enum Names {
    /// `--call` and `--form`, as ids: the form names every call's form it may mean when no call is given.
    static func callAndForms(_ inv: Invocation, _ workspace: Workspace) throws -> (call: String?, forms: Set<String>?) {
        let call = try inv.option("call").map { try workspace.call($0) }
        guard let reference = inv.option("form") else { return (call?.id, nil) }
        let calls = try call.map { [$0] } ?? workspace.catalog().all
        let forms = Set(calls.compactMap { $0.form(named: reference)?.id })
        guard !forms.isEmpty else {
            if let call { throw DomainError.unknownForm(reference, call: call.id, known: call.formChoices) }
            throw CLIFailure(Message.noCallHasForm.text(reference), hint: Message.noCallHasFormHint.text(), code: .usage)
        }
        return (call?.id, forms)
    }
}
