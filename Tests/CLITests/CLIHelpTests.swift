import Foundation
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
        #expect(Subprocess.run([]).stdout.hasPrefix(say("OVERVIEW:", "概述：")))
    }

    @Test(arguments: paths().dropFirst().map { $0.dropFirst().joined(separator: " ") })
    func everyCommandHasCompleteHelp(_ path: String) {
        let words = path.split(separator: " ").map(String.init)
        let result = Subprocess.run(words + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(say("OVERVIEW: ", "概述：")))
        #expect(result.stdout.contains(say("USAGE: tianbao \(path)", "用法：tianbao \(path)")))
        #expect(result.stdout.contains(say("OPTIONS:", "选项：")))
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
        #expect(unknown.stderr.hasPrefix(say("Error: unknown command 'frobnicate'", "错误：未知命令 'frobnicate'")))
        #expect(unknown.stdout.isEmpty)

        let missing = Subprocess.run(["new", "fujian-2026"])
        #expect(missing.status == 64)
        #expect(missing.stderr == say("Error: missing form\nUsage: tianbao new <call> <form> [options]\n  See 'tianbao new --help' for more.\n", "错误：缺少 form\n用法：tianbao new <call> <form> [options]\n  详见 'tianbao new --help'。\n"))

        let badOption = Subprocess.run(["list", "--colour"])
        #expect(badOption.status == 64 && badOption.stderr.hasPrefix(say("Error: unknown option '--colour'", "错误：未知选项 '--colour'")))
        let noValue = Subprocess.run(["hub", "enroll", "--db"])
        #expect(noValue.status == 64 && noValue.stderr.contains(say("'--db' needs a value", "'--db' 需要一个值")))
        let required = Subprocess.run(["hub", "enroll", "--db", "/tmp/x.sqlite", "--org", "a"])
        #expect(required.status == 64 && required.stderr.contains(say("missing '--role province|city|hospital'", "缺少 '--role province|city|hospital")))
        // `--` ends the options: what follows is an argument even if it looks like one.
        let dashed = Subprocess.run(["show", "--dir", "/nonexistent", "--", "--help"])
        #expect(dashed.status == 66)
        #expect(dashed.stderr.contains(say("no replica at /nonexistent", "/nonexistent 没有副本")))
    }

    @Test func aMissingReplicaSaysHowToCreateOne() {
        let result = Subprocess.run(["list"], environment: ["TIANBAO_DIR": "/nonexistent/replica"])
        #expect(result.status == 66)
        #expect(result.stderr == say("Error: no replica at /nonexistent/replica — create one with 'tianbao init --hub URL --token TOKEN', or point --dir (or TIANBAO_DIR) at it\n", "错误：/nonexistent/replica 没有副本 — 用 'tianbao init --hub URL --token TOKEN' 创建，或用 --dir（或 TIANBAO_DIR）指向它\n"))
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
        for (argument, said) in [("-V", say("unknown option '-V'", "未知选项 '-V'")), ("--verison", say("unknown option '--verison' (did you mean '--version'?)", "未知选项 '--verison'（是否想输入 '--version'？）")), ("-x", say("unknown option '-x'", "未知选项 '-x'"))] {
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
        #expect(result.status == 64 && result.stderr.contains(say("there is no terminal here", "而这里没有终端")), "\(result.stderr)")
    }
}

/// Shell completion made from the command tree: bash completes commands, subcommands and each
/// command's own options; zsh reads the same script (through bashcompinit) without error.
@Suite struct CompletionScriptTests {
    static func complete(_ words: [String], script: String) -> [String] {
        let line = words.map { "'\($0)'" }.joined(separator: " ")
        let program = "source \(script); COMP_WORDS=(\(line)); COMP_CWORD=\(words.count - 1); _tianbao; printf '%s\\n' \"${COMPREPLY[@]}\""
        let result = Subprocess.run(["-c", program], timeout: 30, executable: "/bin/bash")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesCommandsSubcommandsAndOptions() throws {
        let dir = TemporaryDirectory()
        let script = Subprocess.run(["completion", "bash"])
        #expect(script.status == 0 && script.stderr.isEmpty)
        try script.stdout.write(toFile: dir.file("tianbao.bash"), atomically: true, encoding: .utf8)
        let file = dir.file("tianbao.bash")
        #expect(Self.complete(["tianbao", "sy"], script: file) == ["sync"])
        #expect(Self.complete(["tianbao", "hub", "en"], script: file) == ["enroll"])
        #expect(Self.complete(["tianbao", "hub", "enroll", "--r"], script: file) == ["--role"])
        #expect(Self.complete(["tianbao", "--dir", "x", "li"], script: file) == ["list", "library"], "an option's value is not a command")
        #expect(Set(Self.complete(["tianbao", "recommend", "--"], script: file)).isSuperset(of: ["--opinion", "--all", "--dry-run", "--ids-from", "--json"]))
        #expect(Self.complete(["tianbao", "completion", "--js"], script: file) == ["--json"])
        let unknown = Subprocess.run(["completion", "fish"])
        #expect(unknown.status == 64 && unknown.stderr.contains("fish"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh") || FileManager.default.isExecutableFile(atPath: "/bin/zsh"),
                   "needs zsh (apt-get install zsh) to load the zsh script"))
    func zshLoadsTheScript() throws {
        let dir = TemporaryDirectory()
        try Subprocess.run(["completion", "zsh"]).stdout.write(toFile: dir.file("tianbao.zsh"), atomically: true, encoding: .utf8)
        let zsh = FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh") ? "/usr/bin/zsh" : "/bin/zsh"
        let loaded = Subprocess.run(["-c", "source \(dir.file("tianbao.zsh")) && whence -w _tianbao"], timeout: 30, executable: zsh)
        #expect(loaded.status == 0 && loaded.stdout.contains("function"), "\(loaded.stdout) \(loaded.stderr)")
    }
}
