import Messages

/// `tianbao completion bash|zsh`: a shell completion script made from the command tree itself, so
/// it never lists a command or option the binary does not have. zsh runs the bash function through
/// bashcompinit, which every zsh ships.
enum CompletionCommand {
    static let completion = Command(
        "completion", abstract: "Print a shell completion script: commands, subcommands and options.",
        discussion: "bash: eval \"$(tianbao completion bash)\" in ~/.bashrc, or save it as /etc/bash_completion.d/tianbao. zsh: eval \"$(tianbao completion zsh)\" in ~/.zshrc.",
        arguments: [Argument("shell", help: "bash or zsh.")]
    ) { inv in
        let shell = try inv.required("shell")
        let script: String
        switch shell {
        case "bash": script = bash(Tianbao.root)
        case "zsh": script = "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit -u }\nautoload -U +X bashcompinit && bashcompinit\n" + bash(Tianbao.root)
        default: throw UsageError(Message.usageOneOf.text("shell", "bash, zsh", shell), path: inv.path)
        }
        if inv.flag("json") { try JSONOut.print(inv.io, ["shell": shell, "script": script]) } else { inv.io.write(script) }
        return 0
    }

    /// Every command path below the root (" hub", " hub enroll", …) with the words that may follow it.
    static func words(_ command: Command, path: String = "") -> [(path: String, words: [String])] {
        let options = (command.options + ArgumentParser.globalOptions).flatMap { option in
            ["--\(option.name)"] + (option.short.map { ["-\($0)"] } ?? [])
        }
        let here = (path, command.subcommands.map(\.name) + options)
        return [here] + command.subcommands.flatMap { words($0, path: path + " " + $0.name) }
    }

    static func bash(_ root: Command) -> String {
        let table = words(root)
        let paths = table.map(\.path).filter { !$0.isEmpty }.map { "\"\($0)\"" }.joined(separator: "|")
        let cases = table.map { "        \"\($0.path)\") words=\"\($0.words.joined(separator: " "))\" ;;" }.joined(separator: "\n")
        return """
        # tianbao completion for bash (made by 'tianbao completion bash')
        _tianbao() {
            local cur=${COMP_WORDS[COMP_CWORD]} path="" i w words
            for ((i = 1; i < COMP_CWORD; i++)); do
                w=${COMP_WORDS[i]}
                case "$path $w" in
                    \(paths)) path="$path $w" ;;
                esac
            done
            case "$path" in
        \(cases)
            esac
            COMPREPLY=($(compgen -W "$words" -- "$cur"))
        }
        complete -o default -F _tianbao tianbao

        """
    }
}
