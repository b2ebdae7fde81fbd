import Replication
import SyncProtocol

/// A refusal as every `--json` output shows it: a change the hub would not take (`status`, `sync`,
/// each under `refused`), or a record a step may not take (`recommend` … `conclude`, under
/// `refusal`). `dot` names the change, null when nothing was pushed.
struct RefusalJSON: Encodable {
    @Nullable var dot: String?
    /// What a program reads, e.g. `frozen_submission`, `publish_not_agreed`.
    let code: String
    /// What a person reads, in the reader's language.
    let reason: String

    init(dot: String?, code: String, reason: String) { (self.dot, self.code, self.reason) = (dot, code, reason) }

    init(_ result: ChangeResult) {
        self.init(dot: result.dot.description, code: result.code ?? result.status.rawValue, reason: result.reason ?? "")
    }
}
