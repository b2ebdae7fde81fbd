/// Mainland Chinese phone numbers.
public enum Phone {
    /// A mobile number: 11 digits starting 13–19 (a leading +86 or 86 is accepted and dropped).
    public static func normalizedMobile(_ text: String) -> String? {
        var digits = text.filter { !" -".contains($0) }
        if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.hasPrefix("86") && digits.count == 13 { digits.removeFirst(2) }
        guard digits.count == 11, digits.allSatisfy(\.isASCIIDigit), digits.hasPrefix("1"),
              let second = digits.dropFirst().first, ("3"..."9").contains(second) else { return nil }
        return digits
    }

    /// A landline: area code (0 then 2–3 digits) and a 7–8 digit number, with an optional
    /// extension; written `0591-87832310` or `0591-87832310-123`. Dashes, em dashes and spaces,
    /// or none, may separate the parts.
    public static func normalizedLandline(_ text: String) -> String? {
        let unified = text.replacingAll(["—", "–", "－", " ", "(", ")", "（", "）"], with: "-")
        let parts = unified.split(separator: "-", omittingEmptySubsequences: true).map(String.init)
        guard parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), let first = parts.first else { return nil }
        var area: String, number: String, rest: ArraySlice<String>
        if parts.count >= 2 {
            area = first
            number = parts[1]
            rest = parts.dropFirst(2)
        } else {
            // No separator: the area code is 3 digits for 010 and 02x, else 4.
            let split = first.hasPrefix("01") || first.hasPrefix("02") ? 3 : 4
            guard first.count > split else { return nil }
            area = String(first.prefix(split))
            number = String(first.dropFirst(split))
            rest = []
        }
        guard area.hasPrefix("0"), (3...4).contains(area.count), area.dropFirst().first != "0",
              (7...8).contains(number.count), number.first != "0", rest.count <= 1,
              rest.allSatisfy({ (1...6).contains($0.count) }) else { return nil }
        return ([area, number] + rest).joined(separator: "-")
    }

    /// Either kind.
    public static func normalized(_ text: String) -> String? {
        normalizedMobile(text) ?? normalizedLandline(text)
    }
}

