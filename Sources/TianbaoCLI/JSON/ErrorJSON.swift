/// What every command prints on standard output with `--json` when it fails, and nothing else
/// there: the human line still goes to standard error, and the exit code is the same.
/// `{"error": {"code", "message", "hint", "exit"}, "result": …}`, `result` only where the command
/// got far enough to have one (a sync whose changes were refused).
struct ErrorJSON: Encodable {
    struct Body: Encodable {
        /// What a program reads: the refusal's code (e.g. `publish_not_agreed`) where there is one,
        /// else the exit code's name (`usage`, `data`, `no_input`, `temp_fail`, `no_permission`, `config`, `io`, `software`, `failure`).
        let code: String
        let message: String
        @Nullable var hint: String?
        let exit: Int32
    }

    let error: Body
    let result: AnyEncodable?

    struct AnyEncodable: Encodable {
        let value: any Encodable
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
