/// A token pasted where it does not belong (`tianbao show <token>`, `hub revoke <token>`) is never
/// repeated back in an error, on a terminal, in cron's mail or in `--json`: its replica id is kept,
/// so the person sees which it was, and its secret is not.
enum Redaction {
    static func tokens(in text: String) -> String {
        text.replacing(#/([0-9a-f]{32})\.[0-9a-f]{64}/#) { "\($0.output.1).…" }
    }
}
