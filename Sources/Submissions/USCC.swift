import Messages
/// 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17.
public enum USCC {
    /// The code's alphabet: digits and capitals without I, O, Z, S, V; a character's value is its index.
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The check character for the first 17 characters, or `nil` when they are not all in the alphabet.
    public static func checkCharacter(for body: some StringProtocol) -> Character? {
        let chars = Array(body.prefix(17))
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let value = alphabet.firstIndex(of: c) else { return nil }
            sum += value * weights[i]
        }
        let r = 31 - sum % 31
        return alphabet[r == 31 ? 0 : r]
    }

    /// Why `code` is not a valid 统一社会信用代码, or `nil` when it is.
    public static func problem(_ code: String) -> String? {
        guard code.count == 18 else { return "has \(code.count) characters; it must have 18" }
        if let bad = code.first(where: { !alphabet.contains($0) }) {
            return "contains '\(bad)'; only digits and capital letters other than I, O, Z, S, V are used"
        }
        guard let expected = checkCharacter(for: code) else { return "is not a valid code" }
        if code.last != expected { return Message.usccWrongCheck.text(expected) }
        return nil
    }
}
