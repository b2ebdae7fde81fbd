/// Short and long modes of the randomised adversarial tests (the fault proxy, crash loops, fuzz
/// replays): `swift test` runs the short mode on every change; `TIANBAO_LONG=1` runs the long
/// one (Tests/README.md), and `TIANBAO_TRIALS=<n>` sets the count outright.
public enum Soak {
    public static var isLong: Bool { ProcessInfoLite.environment("TIANBAO_LONG") == "1" }

    /// `short` normally, `long` in long mode, or `$TIANBAO_TRIALS`.
    public static func count(short: Int, long: Int) -> Int {
        if let text = ProcessInfoLite.environment("TIANBAO_TRIALS"), let n = Int(text), n > 0 { return n }
        return isLong ? long : short
    }
}
