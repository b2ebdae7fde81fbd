import Messages
import Testing
@testable import TianbaoCLI
import TestSupport

/// `--help` for every command, `--version`, and usage errors, from the real binary.
@Suite struct CLIHelpTests {
    /// Every command path in the tree.
    static func paths(_ command: Command = Tianbao.root, prefix: [String] = []) -> [[String]] {
        let here = prefix + [command.name]
        return [here] + command.subcommands.flatMap { paths($0, prefix: here) }
    }

    @Test func topLevelHelpListsEveryCommand() {
        let result = Subprocess.run(["--help"])
        #expect(result.status == 0)
        for name in ["init", "status", "calls", "new", "edit", "show", "list", "validate", "log", "submit", "recommend", "return",
                     "select", "reject", "conflicts", "resolve", "compile", "completeness", "print", "sync", "bundle", "serve", "hub"] {
            #expect(result.stdout.contains("\n  \(name) "), "tianbao --help does not list \(name)")
        }
        #expect(Subprocess.run([]).stdout.hasPrefix("OVERVIEW:"))
    }

    @Test(arguments: paths().dropFirst().map { $0.dropFirst().joined(separator: " ") })
    func everyCommandHasCompleteHelp(_ path: String) {
        let words = path.split(separator: " ").map(String.init)
        let result = Subprocess.run(words + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("OVERVIEW: "))
        #expect(result.stdout.contains("USAGE: tianbao \(path)"))
        #expect(result.stdout.contains("OPTIONS:"))
        #expect(result.stdout.contains("--dir <DIR>") && result.stdout.contains("--json"))
        #expect(result.stderr.isEmpty)
        #expect(Subprocess.run(words + ["-h"]).stdout == result.stdout)
    }

    @Test func versionAndUsageErrors() {
        let version = Subprocess.run(["--version"])
        #expect(version.status == 0 && version.stdout == "tianbao \(Tianbao.version)\n")
        #expect(Subprocess.run(["sync", "--version"]).status == 0)

        let unknown = Subprocess.run(["frobnicate"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.hasPrefix("Error: unknown command 'frobnicate'"))
        #expect(unknown.stdout.isEmpty)

        let missing = Subprocess.run(["new", "fujian-2026"])
        #expect(missing.status == 64)
        #expect(missing.stderr == "Error: missing form\nUsage: tianbao new <call> <form> [options]\n  See 'tianbao new --help' for more.\n")

        let badOption = Subprocess.run(["list", "--colour"])
        #expect(badOption.status == 64 && badOption.stderr.hasPrefix("Error: unknown option '--colour'"))
        let noValue = Subprocess.run(["hub", "enroll", "--db"])
        #expect(noValue.status == 64 && noValue.stderr.contains("'--db' needs a value"))
        let required = Subprocess.run(["hub", "enroll", "--db", "/tmp/x.sqlite", "--org", "a"])
        #expect(required.status == 64 && required.stderr.contains("missing '--role province|city|hospital'"))
        // `--` ends the options: what follows is an argument even if it looks like one.
        let dashed = Subprocess.run(["show", "--dir", "/nonexistent", "--", "--help"])
        #expect(dashed.status == 66)
        #expect(dashed.stderr.contains("no replica at /nonexistent"))
    }

    @Test func aMissingReplicaSaysHowToCreateOne() {
        let result = Subprocess.run(["list"], environment: ["TIANBAO_DIR": "/nonexistent/replica"])
        #expect(result.status == 66)
        #expect(result.stderr == "Error: no replica at /nonexistent/replica — create one with 'tianbao init --hub URL --token TOKEN', or point --dir (or TIANBAO_DIR) at it\n")
    }
}

/// Help in Chinese: every help text of the command tree has its Chinese, and a Chinese locale shows it.
@Suite struct ChineseHelpTests {
    static func texts(_ command: Command = Tianbao.root) -> [String] {
        [command.abstract, command.discussion].filter { !$0.isEmpty } + command.arguments.map(\.help) + command.options.map(\.help)
            + command.subcommands.flatMap { texts($0) }
    }

    @Test func everyHelpTextHasItsChinese() {
        for text in Self.texts() + ArgumentParser.globalOptions.map(\.help) {
            #expect(Catalogue.helpChinese[text] != nil, "no Chinese help for: \(text)")
        }
    }

    @Test func aChineseLocaleShowsChineseHelp() {
        let result = Subprocess.run(["sync", "--help"], environment: ["LANG": "zh_CN.UTF-8"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("概述：把本副本的修改推送到省平台，并拉取本副本可读的内容。"), "\(result.stdout)")
        #expect(result.stdout.contains("选项：") && result.stdout.contains("重试的时长（默认 60 秒）。"), "\(result.stdout)")
    }
}

/// Mistakes at the top of the command line are named, not answered with help; `help` is a command.
@Suite struct CommandLineMistakeTests {
    @Test func unknownTopLevelOptionsAreUsageErrors() {
        for (argument, said) in [("-V", "unknown option '-V'"), ("--verison", "unknown option '--verison' (did you mean '--version'?)"), ("-x", "unknown option '-x'")] {
            let result = Subprocess.run([argument])
            #expect(result.status == 64 && result.stderr.contains(said), "\(argument): \(result.stderr)")
        }
        #expect(Subprocess.run(["--dir", "/tmp"]).status == 0, "an option's value is not a command")
    }

    @Test func helpIsACommand() {
        let help = Subprocess.run(["help", "hub", "enroll"])
        #expect(help.status == 0 && help.stdout == Subprocess.run(["hub", "enroll", "--help"]).stdout)
        #expect(Subprocess.run(["help", "nosuch"]).status == 64)
    }

    @Test func editWithoutATerminalOrAnEditorIsRefusedNotHung() {
        let result = Subprocess.run(["edit", "01900000-0000-7000-8000-000000000001", "--dir", "/nonexistent"])
        #expect(result.status == 64 && result.stderr.contains("there is no terminal here"), "\(result.stderr)")
    }
}
