import Messages
import Hub
import Replication
import Submissions
import SyncClient
import SyncProtocol

/// The exit codes, as sysexits.h names them: cron and scripts act on them.
public enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    /// EX_USAGE: the command line is wrong.
    case usage = 64
    /// EX_DATAERR: the data is wrong (a form does not validate; the hub refused changes).
    case data = 65
    /// EX_NOINPUT: no such record, file or replica.
    case noInput = 66
    /// EX_SOFTWARE: a fault in tianbao.
    case software = 70
    /// EX_IOERR
    case io = 74
    /// EX_TEMPFAIL: the hub is unreachable or busy, or another sync runs: try again later.
    case tempFail = 75
    /// EX_NOPERM: not allowed (the permission check, or the token).
    case noPermission = 77
    /// EX_CONFIG: this machine's configuration must change (the hub's certificate is not trusted).
    case config = 78

    /// The name `--json` gives it (`error.code` when a failure has no code of its own).
    var name: String {
        switch self {
        case .success: "success"
        case .failure: "failure"
        case .usage: "usage"
        case .data: "data"
        case .noInput: "no_input"
        case .software: "software"
        case .io: "io"
        case .tempFail: "temp_fail"
        case .noPermission: "no_permission"
        case .config: "config"
        }
    }
}

/// A failure to report as one line (or a few, for a list of problems), a hint, and an exit code.
struct CLIFailure: Error {
    let message: String
    let hint: String?
    let code: ExitCode
    /// Said with the exit code only: cron's "try later" while nobody needs to act.
    var quiet = false
    /// What a program reads with --json: a refusal's code, where the failure has one.
    var symbol: String?
    /// What the command got done before it failed, printed with the error under --json.
    var result: (any Encodable & Sendable)?

    init(_ message: String, hint: String? = nil, code: ExitCode = .failure, quiet: Bool = false, symbol: String? = nil,
         result: (any Encodable & Sendable)? = nil) {
        self.message = message
        self.hint = hint
        self.code = code
        self.quiet = quiet
        self.symbol = symbol
        self.result = result
    }

    /// The failure as `--json` prints it on standard output.
    var json: ErrorJSON {
        ErrorJSON(error: .init(code: symbol ?? code.name, message: message, hint: hint, exit: code.rawValue),
                  result: result.map { ErrorJSON.AnyEncodable(value: $0) })
    }

    /// The failure for any error a command may throw.
    static func from(_ error: any Error, invocation: Invocation?) -> CLIFailure {
        let command = invocation?.commandLine ?? "tianbao"
        switch error {
        case let failure as CLIFailure:
            return failure
        case let error as DomainError:
            switch error {
            case .invalid(let issues):
                let hint = invocation?.argument("id").map { Message.hintValidate.text($0) } ?? Message.hintFixValues.text()
                return CLIFailure(issues.map(\.description).joined(separator: "\n       "), hint: hint, code: .data)
            case .refused(let code, let reason) where ["bad_file", "file_too_large", "file_damaged"].contains(code):
                return CLIFailure(reason, hint: Message.hintNothingWritten.text(code), code: .data, symbol: code)
            case .refused(let code, let reason) where ["no_such_file", "file_not_here"].contains(code):
                return CLIFailure(reason, hint: Message.hintSeeFiles.text(), code: .noInput, symbol: code)
            case .refused(let code, let reason):
                return CLIFailure(reason, hint: Message.hintNothingWritten.text(code), code: code == "bad_id" || code == "id_taken" || code == "empty_text" || code == "not_reporting_unit" ? .usage : .noPermission, symbol: code)
            case .noSuchRecord, .notAForm:
                return CLIFailure(error.description, code: .noInput)
            case .badTemplate:
                return CLIFailure(error.description, code: .data)
            default:
                return CLIFailure(error.description, hint: Message.hintSeeHelp.text(command), code: .usage)
            }
        case let error as ReplicationError:
            switch error {
            case .noSuchRecord: return CLIFailure(error.description, code: .noInput)
            case .recordDeleted: return CLIFailure(error.description, hint: Message.hintSeeConflicts.text(), code: .data)
            default: return CLIFailure(error.description, code: .data)
            }
        case let error as SyncClient.Failure:
            switch error {
            case .unavailable: return CLIFailure(error.description, hint: Message.hintTryLater.text(), code: .tempFail)
            case .unauthorized: return CLIFailure(error.description, hint: Message.hintEnrolAgain.text(), code: .noPermission)
            case .rejected(_, let code, _): return CLIFailure(error.description, hint: Message.hintSeeStatus.text(), code: .data, symbol: code)
            case .untrustedHub: return CLIFailure(error.description, hint: Message.hintTrustCA.text(), code: .config)
            }
        case let error as HubError:
            return CLIFailure(error.description, code: .data)
        case let error as ChangeBatch.Malformed:
            return CLIFailure(error.description, code: .data)
        case let error as any StorageFailure:
            return CLIFailure(Message.localDatabaseFailed.text(error.storageMessage), hint: Message.hintCheckDisk.text(), code: .io)
        default:
            return CLIFailure("\(error)", code: .software)
        }
    }
}
