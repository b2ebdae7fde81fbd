import Messages
import Foundation

extension Tianbao {
    /// Runs with the process's arguments as the kernel gave them. Swift would quietly replace bytes
    /// that are not UTF-8 with U+FFFD, and the replacement would be stored as if someone had typed
    /// it; such an argument is refused instead, naming which one.
    public static func main(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
        var arguments: [String] = []
        for i in 1..<Int(max(argc, 1)) {
            guard let raw = argv[i] else { continue }
            guard let text = String(validatingCString: raw) else {
                IO.standard().error(Message.error.text(Message.argumentNotUTF8.text(i)))
                return ExitCode.usage.rawValue
            }
            arguments.append(text)
        }
        // Foundation would repair these the same quiet way.
        for name in ["TIANBAO_USER", "TIANBAO_DIR"] {
            if let raw = getenv(name), String(validatingCString: raw) == nil {
                IO.standard().error(Message.error.text(Message.environmentNotUTF8.text(name)))
                return ExitCode.usage.rawValue
            }
        }
        return main(arguments)
    }
}
