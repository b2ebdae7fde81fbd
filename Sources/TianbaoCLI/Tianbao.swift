import Messages
import SyncProtocol
import Foundation

/// The `tianbao` command line, as a library so tests can run it in-process too.
public enum Tianbao {
    public static let version = Build.version

    static var root: Command {
        Command("tianbao", abstract: "Fill in, review and sync provincial smart-healthcare calls (填报), offline first.",
                discussion: """
                Each city commission and hospital keeps a local replica; every command except init, sync and the
                hub commands works with no network. Fields are named by the notice's Chinese labels.
                """,
                subcommands: ReplicaCommands.all + DraftCommands.all + [FieldsCommand.fields, JointCommand.joint] + AttachmentCommands.all + WorkflowCommands.all + ConflictCommands.all
                    + TableCommands.all + [PrintCommand.print] + SyncCommands.all + [DiscardCommand.discard, HubCommands.serve, HubCommands.hub, CompletionCommand.completion])
    }

    /// Runs `tianbao` with `arguments` (without the program name); returns the exit code.
    public static func main(_ arguments: [String], environment: [String: String] = ProcessEnvironment.current(),
                            io: IO = .standard()) -> Int32 {
        let root = root
        var invocation: Invocation?
        do {
            switch try ArgumentParser.parse(arguments, root: root, environment: environment, io: io) {
            case .help(let text):
                if arguments.contains("--json") { io.print((try? JSONOut.text(["help": text])) ?? "") } else { io.write(text) }
                return 0
            case .version:
                if arguments.contains("--json") { io.print((try? JSONOut.text(["version": version])) ?? "") } else { io.print("tianbao \(version)") }
                return 0
            case .run(let command, let parsed):
                invocation = parsed
                return try command.run!(parsed)
            }
        } catch let error as UsageError {
            let chain = ArgumentParser.chain(error.path, root: root)
            let error = UsageError(Redaction.tokens(in: error.message), path: error.path)
            io.error(Message.error.text(error.message))
            io.error(Message.usage.text(ArgumentParser.usage(for: chain)))
            io.error(Message.seeHelp.text(error.path.joined(separator: " ")))
            // A script that asked for JSON gets it even when the command line itself was wrong.
            if arguments.contains("--json") {
                let failure = CLIFailure(error.message, hint: Message.seeHelp.text(error.path.joined(separator: " ")), code: .usage)
                if let text = try? JSONOut.text(failure.json) { io.print(text) }
            }
            return ExitCode.usage.rawValue
        } catch {
            var failure = CLIFailure.from(error, invocation: invocation)
            failure = CLIFailure(Redaction.tokens(in: failure.message), hint: failure.hint.map(Redaction.tokens(in:)), code: failure.code,
                                 quiet: failure.quiet, symbol: failure.symbol, result: failure.result)
            if !failure.quiet { io.error(Message.error.text(failure.message + (failure.hint.map { " — \($0)" } ?? ""))) }
            if invocation?.flag("json") ?? arguments.contains("--json"), let text = try? JSONOut.text(failure.json) { io.print(text) }
            return failure.code.rawValue
        }
    }
}
