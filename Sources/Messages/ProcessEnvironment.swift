#if canImport(Glibc)
import Glibc
#endif

/// The process's environment, read from `environ` as the kernel gave it.
///
/// Not `ProcessInfo.processInfo.environment`: every command reads the environment before anything
/// else (the language, `TIANBAO_DIR`), and setting up `ProcessInfo` for it cost about a fifth of a
/// millisecond of a command's start. A variable whose name or value is not UTF-8 is left out
/// (Foundation would have replaced its bytes quietly); `tianbao` refuses its own variables when
/// they are not UTF-8 before it reads them from here.
public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            entry += 1
            guard let text = String(validatingCString: pointer), let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(text[..<equals])
            // The first of a repeated name, as getenv(3) finds it.
            if variables[name] == nil { variables[name] = String(text[text.utf8.index(after: equals)...]) }
        }
        return variables
    }
}
