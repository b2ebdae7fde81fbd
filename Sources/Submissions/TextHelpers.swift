/// Small text operations the parsers share, without Foundation's locale-dependent ones.
extension StringProtocol {
    /// Without leading and trailing white space (full-width spaces included).
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    /// Every occurrence of each target replaced by `replacement`.
    func replacingAll(_ targets: [String], with replacement: String) -> String {
        var result = String(self)
        for target in targets {
            result = result.split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
        }
        return result
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
