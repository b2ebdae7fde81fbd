import CLibFuzzer
import FuzzTargets
import Foundation

// Built two ways (Tests/README.md):
// - with libFuzzer (`-sanitize=fuzzer,address -DFUZZING`): main hands over to libFuzzer's driver,
//   which calls the target named by $TIANBAO_FUZZ_TARGET with every input it makes;
// - plainly: `tianbao-fuzz <target> <file or folder>…` replays inputs, a broken property reported
//   with the file that broke it.

#if FUZZING
let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["TIANBAO_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget.named(name) else {
        fatalError("set TIANBAO_FUZZ_TARGET to one of: \(FuzzTarget.all.map(\.name).joined(separator: ", "))")
    }
    return target
}()

@main
struct Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = Optional(CommandLine.unsafeArgv)
        _ = selected
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
            if case .broken(let what) = selected.run(bytes) { fatalError("\(selected.name): \(what)") }
            return 0
        })
    }
}
#else
@main
struct Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget.named(name), arguments.count > 1 else {
            let list = FuzzTarget.all.map { "  \($0.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \($0.about)" }.joined(separator: "\n")
            FileHandle.standardError.write(Data("usage: tianbao-fuzz <target> <file or folder>…\ntargets:\n\(list)\n".utf8))
            exit(64)
        }
        var outcomes = (accepted: 0, refused: 0)
        for path in arguments.dropFirst() {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                switch target.run(Array(data)) {
                case .broken(let what):
                    FileHandle.standardError.write(Data("\(file): \(what)\n".utf8))
                    exit(1)
                case .accepted: outcomes.accepted += 1
                case .refused: outcomes.refused += 1
                }
            }
        }
        print("\(target.name): \(outcomes.accepted + outcomes.refused) inputs replayed (\(outcomes.accepted) accepted, \(outcomes.refused) refused), no property broken")
    }

    static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
        guard isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }
    }
}
#endif
