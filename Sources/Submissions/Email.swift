/// E-mail addresses, checked for the shape people mistype: one @, a dotted domain, no spaces.
public enum Email {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, text.count <= 254 else { return false }
        let local = parts[0], domain = parts[1]
        let allowedLocal = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        guard local.allSatisfy(allowedLocal.contains), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        let allowedDomain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        return labels.allSatisfy { !$0.isEmpty && $0.count <= 63 && $0.allSatisfy(allowedDomain.contains) && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
            && labels.last!.count >= 2 && !labels.last!.allSatisfy(\.isASCIIDigit)
    }
}
