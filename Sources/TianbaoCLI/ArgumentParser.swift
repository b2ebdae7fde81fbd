import Messages
import Submissions

/// A command line parser in the manner of swift-argument-parser: commands are data, help is
/// generated from them, and every mistake is a usage error naming what to fix.
public struct Command: Sendable {
    public var name: String
    public var abstract: String
    public var discussion: String = ""
    public var arguments: [Argument] = []
    public var options: [Option] = []
    public var subcommands: [Command] = []
    /// Runs the command; returns the exit code.
    public var run: (@Sendable (Invocation) throws -> Int32)?

    public init(_ name: String, abstract: String, discussion: String = "", arguments: [Argument] = [], options: [Option] = [],
                subcommands: [Command] = [], run: (@Sendable (Invocation) throws -> Int32)? = nil) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
        self.subcommands = subcommands
        self.run = run
    }
}

public struct Argument: Sendable {
    public var name: String
    public var help: String
    public var optional = false
    /// Takes every remaining argument.
    public var repeating = false

    public init(_ name: String, help: String, optional: Bool = false, repeating: Bool = false) {
        self.name = name
        self.help = help
        self.optional = optional
        self.repeating = repeating
    }
}

public struct Option: Sendable {
    /// The long name without dashes, e.g. `dir`.
    public var name: String
    public var short: Character?
    /// The value's placeholder, or `nil` for a flag.
    public var value: String?
    public var help: String
    public var repeating = false
    public var required = false

    public init(_ name: String, short: Character? = nil, value: String? = nil, help: String, repeating: Bool = false, required: Bool = false) {
        self.name = name
        self.short = short
        self.value = value
        self.help = help
        self.repeating = repeating
        self.required = required
    }

    public static func flag(_ name: String, short: Character? = nil, help: String) -> Option {
        Option(name, short: short, value: nil, help: help)
    }
}

/// What the parser found, for a command's `run`.
public struct Invocation: Sendable {
    /// The command names from the root, e.g. `["tianbao", "hub", "enroll"]`.
    public let path: [String]
    public let arguments: [String: [String]]
    public let options: [String: [String]]
    public let flags: Set<String>
    public let environment: [String: String]
    public let io: IO

    public func argument(_ name: String) -> String? { arguments[name]?.first }
    public func argumentList(_ name: String) -> [String] { arguments[name] ?? [] }
    public func option(_ name: String) -> String? { options[name]?.last }
    public func optionList(_ name: String) -> [String] { options[name] ?? [] }
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// A required argument or option. The parser has already insisted on it; a command asking for
    /// one it does not declare gets a usage error naming it, not a crash.
    public func required(_ name: String) throws(UsageError) -> String {
        if let value = arguments[name]?.first ?? options[name]?.last { return value }
        throw UsageError(Message.usageMissing.text(name), path: path)
    }

    /// An option that holds a number: absent is `nil`; anything but a number in `range` is a usage
    /// error naming the option, never a silent default.
    public func number<T: LosslessStringConvertible & Comparable>(_ name: String, in range: ClosedRange<T>) throws(UsageError) -> T? {
        guard let text = option(name) else { return nil }
        guard let value = T(text), range.contains(value) else {
            throw UsageError(Message.usageNumber.text(name, range.lowerBound, range.upperBound, text), path: path)
        }
        return value
    }

    /// An argument or option that names one of a fixed set of choices; anything else is a usage
    /// error listing them. `also` reads other spellings (a status's Chinese name, say).
    public func choice<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type = T.self,
                                                           also: (String) -> T? = { _ in nil }) throws(UsageError) -> T? where T.RawValue == String {
        guard let text = arguments[name]?.first ?? options[name]?.last else { return nil }
        guard let value = T(rawValue: text) ?? also(text) else {
            throw UsageError(Message.usageOneOf.text(name, T.allCases.map(\.rawValue).joined(separator: ", "), text), path: path)
        }
        return value
    }

    public var commandLine: String { path.joined(separator: " ") }
}

/// A mistake on the command line: exit 64 with the command's usage.
public struct UsageError: Error, CustomStringConvertible {
    public let message: String
    public let path: [String]
    public init(_ message: String, path: [String]) {
        self.message = message
        self.path = path
    }
    public var description: String { message }
}

/// What parsing decided.
public enum ParseResult {
    case run(Command, Invocation)
    case help(String)
    case version
}

public enum ArgumentParser {
    /// Parses `argv` (without the program name) against `root`.
    public static func parse(_ argv: [String], root: Command, environment: [String: String], io: IO) throws(UsageError) -> ParseResult {
        // `tianbao help sync` is `tianbao sync --help`.
        if argv.first == "help" {
            let chain = chain([root.name] + argv.dropFirst(), root: root)
            guard chain.count == argv.count else {
                let asked = argv.dropFirst().joined(separator: " ")
                throw UsageError(Message.usageUnknownCommand.text(asked, "", (chain.last?.subcommands ?? []).map(\.name).joined(separator: ", ")), path: chain.map(\.name))
            }
            return .help(help(for: chain))
        }
        var command = root
        var path = [root.name]
        var chain = [root]
        var rest = argv[...]
        // Walk down the subcommands named at the front (options may come before them too).
        var pending: [String] = []
        while let next = rest.first {
            if next == "--help" || next == "-h" { return .help(help(for: chain)) }
            if next == "--version" { return .version }
            if next.hasPrefix("-") && next != "-" && next != "--" {
                pending.append(next)
                rest = rest.dropFirst()
                // An option's value travels with it.
                if let option = (chain.flatMap(\.options) + globalOptions).first(where: { "--\($0.name)" == next || ($0.short.map { "-\($0)" } == next) }),
                   option.value != nil, let value = rest.first {
                    pending.append(value)
                    rest = rest.dropFirst()
                }
                continue
            }
            guard let sub = command.subcommands.first(where: { $0.name == next }) else { break }
            command = sub
            chain.append(sub)
            path.append(sub.name)
            rest = rest.dropFirst()
        }
        let tokens = pending + Array(rest)
        let beforeEnd = tokens.prefix { $0 != "--" }
        if beforeEnd.contains("--help") || beforeEnd.contains("-h") { return .help(help(for: chain)) }
        if beforeEnd.contains("--version") { return .version }
        guard command.run != nil else {
            // The first word that is neither an option nor an option's value.
            var words = tokens[...]
            var first: String?
            while let token = words.popFirst() {
                if token.hasPrefix("-") {
                    if globalOptions.contains(where: { "--\($0.name)" == token && $0.value != nil }) { _ = words.popFirst() }
                    continue
                }
                first = token
                break
            }
            if let first {
                let names = command.subcommands.map(\.name)
                throw UsageError(Message.usageUnknownCommand.text(first, Suggestion.phrase(first, among: names), names.joined(separator: ", ")), path: path)
            }
            // `tianbao -V` or `--verison` is a mistake to name, not a request for help.
            let names = globalOptions.flatMap { [("--\($0.name)")] + ($0.short.map { ["-\($0)"] } ?? []) }
            if let unknown = tokens.first(where: { $0.hasPrefix("-") && !names.contains(String($0.split(separator: "=").first ?? "")) }) {
                throw UsageError(Message.usageUnknownOption.text(unknown) + (unknown.hasPrefix("--") ? Suggestion.phrase(unknown, among: names) : ""), path: path)
            }
            return .help(help(for: chain))
        }

        let known = command.options + globalOptions
        var options: [String: [String]] = [:]
        var flags: Set<String> = []
        var positional: [String] = []
        var index = 0
        var endOfOptions = false
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if endOfOptions || !token.hasPrefix("-") || token == "-" {
                positional.append(token)
                continue
            }
            if token == "--" { endOfOptions = true; continue }
            var name = token
            var inlineValue: String?
            if token.hasPrefix("--"), let equals = token.firstIndex(of: "=") {
                name = String(token[..<equals])
                inlineValue = String(token[token.index(after: equals)...])
            }
            guard let option = known.first(where: { "--\($0.name)" == name || ($0.short.map { "-\($0)" } == name) }) else {
                throw UsageError(Message.usageUnknownOption.text(name) + Suggestion.phrase(name, among: known.map { "--\($0.name)" }), path: path)
            }
            if option.value == nil {
                if inlineValue != nil { throw UsageError(Message.usageNoValue.text(option.name), path: path) }
                flags.insert(option.name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < tokens.count else { throw UsageError(Message.usageNeedsValue.text(option.name, option.value!), path: path) }
                value = tokens[index]
                index += 1
            }
            if !option.repeating, options[option.name] != nil {
                throw UsageError(Message.usageTwice.text(option.name), path: path)
            }
            options[option.name, default: []].append(value)
        }
        for option in command.options where option.required && options[option.name] == nil {
            throw UsageError(Message.usageMissingOption.text(option.name, option.value ?? ""), path: path)
        }
        var arguments: [String: [String]] = [:]
        var queue = positional[...]
        for argument in command.arguments {
            if argument.repeating {
                arguments[argument.name] = Array(queue)
                queue = []
            } else if let value = queue.first {
                arguments[argument.name] = [value]
                queue = queue.dropFirst()
            } else if !argument.optional {
                throw UsageError(Message.usageMissingArgument.text(argument.name), path: path)
            }
        }
        if let extra = queue.first { throw UsageError(Message.usageUnexpected.text(extra), path: path) }
        return .run(command, Invocation(path: path, arguments: arguments, options: options, flags: flags, environment: environment, io: io))
    }

    /// Options every command accepts.
    static let globalOptions: [Option] = [
        Option("dir", value: "DIR", help: "The replica's folder (default: $TIANBAO_DIR, else ./.tianbao)."),
        .flag("json", help: "Print data as JSON, for scripts."),
        Option("as", value: "NAME", help: "Who is editing, recorded with each change (default: $TIANBAO_USER, else the unit)."),
        .flag("help", short: "h", help: "Show help for this command."),
        .flag("version", help: "Show the version."),
    ]

    /// `Usage: tianbao hub enroll --db PATH --org ORG …`
    static func usage(for chain: [Command]) -> String {
        let command = chain.last!
        var parts = chain.map(\.name)
        if command.run == nil && !command.subcommands.isEmpty {
            parts.append("<command>")
        } else {
            for argument in command.arguments {
                let shown = argument.repeating ? "<\(argument.name)> ..." : "<\(argument.name)>"
                parts.append(argument.optional || argument.repeating ? "[\(shown)]" : shown)
            }
            for option in command.options where option.required { parts.append("--\(option.name) <\(option.value ?? "")>") }
            if command.options.contains(where: { !$0.required }) { parts.append("[options]") }
        }
        return parts.joined(separator: " ")
    }

    static func help(for chain: [Command]) -> String {
        let command = chain.last!
        let help = Catalogue.help
        var out = Message.helpOverview.text(help(command.abstract)) + "\n"
        if !command.discussion.isEmpty { out += "\n\(help(command.discussion))\n" }
        out += "\n" + Message.helpUsage.text(usage(for: chain)) + "\n"
        if !command.arguments.isEmpty {
            out += "\n" + Message.helpArguments.text() + "\n"
            for argument in command.arguments { out += row("<\(argument.name)>", help(argument.help)) }
        }
        let options = command.options + globalOptions
        out += "\n" + Message.helpOptions.text() + "\n"
        for option in options {
            var names = option.short.map { "-\($0), " } ?? ""
            names += "--\(option.name)"
            if let value = option.value { names += " <\(value)>" }
            out += row(names, help(option.help) + (option.repeating ? Message.helpRepeatable.text() : "") + (option.required ? Message.helpRequired.text() : ""))
        }
        if !command.subcommands.isEmpty {
            out += "\n" + Message.helpSubcommands.text() + "\n"
            for sub in command.subcommands { out += row(sub.name, help(sub.abstract)) }
            out += "\n" + Message.helpSeeSubcommand.text(chain.map(\.name).joined(separator: " ")) + "\n"
        }
        return out
    }

    private static func row(_ left: String, _ right: String) -> String {
        let pad = max(2, 26 - left.count)
        return "  \(left)\(String(repeating: " ", count: pad))\(right)\n"
    }

    /// Looks up the chain of commands for `path`, for usage lines in errors.
    static func chain(_ path: [String], root: Command) -> [Command] {
        var chain = [root]
        for name in path.dropFirst() {
            guard let next = chain.last!.subcommands.first(where: { $0.name == name }) else { break }
            chain.append(next)
        }
        return chain
    }
}
