import Messages
import Replication

/// How each field type reads from what a person types, is checked, and is printed.
public enum FieldCodec {
    /// A parsed input: one value, or the elements of a set field.
    public enum Parsed: Hashable, Sendable {
        case value(FieldValue)
        case elements([FieldValue])
    }

    static let listSeparators: Set<Character> = ["、", ",", "，", ";", "；", "\n"]
    static let defaultLongTextLimit = 5_000
    static let defaultTextLimit = 200

    /// Reads `input` for `spec`: normalised (phone numbers without spaces, codes in capitals,
    /// periods as `YYYY-MM/YYYY-MM`), or the issue that says what to type instead.
    public static func parse(_ input: String, for spec: FieldSpec) -> Result<Parsed, FieldIssue> {
        // Line breaks are stored as LF, whichever system typed them; a lone CR would let a value
        // overwrite itself on a terminal.
        let input = input.utf8.contains(0x0D) ? input.replacingAll(["\r\n", "\r"], with: "\n") : input
        let text = spec.type == .longText ? input : input.trimmingSpaces()
        if text.isEmpty { return .success(spec.type.isSet ? .elements([]) : .value(.null)) }
        switch spec.type {
        case .multiChoice:
            let items = text.split(whereSeparator: listSeparators.contains).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
            var elements: [FieldValue] = []
            for item in items {
                let element = FieldValue.text(item)
                if let issue = check(element: element, spec) { return .failure(issue) }
                if !elements.contains(element) { elements.append(element) }
            }
            return .success(.elements(elements))
        case .guideScenarios:
            var elements: [FieldValue] = []
            for item in text.split(whereSeparator: listSeparators.contains) {
                guard let n = Int(item.trimmingSpaces()) else {
                    return .failure(FieldIssue(spec, Message.fcNotScenarioNumber.text(item), expected: Message.fcScenarioNumbers.text(GuideCatalog.national.scenarios.count)))
                }
                let element = FieldValue.int(Int64(n))
                if let issue = check(element: element, spec) { return .failure(issue) }
                if !elements.contains(element) { elements.append(element) }
            }
            return .success(.elements(elements))
        default:
            let value: FieldValue
            switch spec.type {
            case .yesNo:
                switch text.lowercased() {
                case "是", "yes", "y", "true": value = .text("是")
                case "否", "no", "n", "false": value = .text("否")
                default: return .failure(FieldIssue(spec, Message.fcIsQuoted.text(text), expected: Message.fcYesNo.text()))
                }
            case .money:
                guard let normalized = normalizedMoney(text) else {
                    return .failure(FieldIssue(spec, Message.fcNotAmount.text(text), expected: Message.fcAmountDecimals.text()))
                }
                value = .text(normalized)
            case .period:
                switch Period.parse(text) {
                case .success(let period): value = .text(period.stored)
                case .failure(.unreadable):
                    return .failure(FieldIssue(spec, Message.fcNotPeriod.text(text), expected: Message.fcPeriodExample.text()))
                case .failure(.endNotAfterStart(let start, let end)):
                    return .failure(FieldIssue(spec, Message.fcEndsBeforeStart.text(end.chinese, start.chinese), expected: Message.fcEndAfterStart.text()))
                }
            case .mobile:
                guard let number = Phone.normalizedMobile(text) else {
                    return .failure(FieldIssue(spec, Message.fcNotMobile.text(text), expected: Message.fcMobileExample.text()))
                }
                value = .text(number)
            case .landline:
                guard let number = Phone.normalizedLandline(text) else {
                    return .failure(FieldIssue(spec, Message.fcNotLandline.text(text), expected: Message.fcLandlineExample.text()))
                }
                value = .text(number)
            case .phones:
                var numbers: [String] = []
                for item in text.split(whereSeparator: listSeparators.contains) {
                    guard let number = Phone.normalized(String(item).trimmingSpaces()) else {
                        return .failure(FieldIssue(spec, Message.fcNotPhone.text(item.trimmingSpaces()), expected: Message.fcPhonesExample.text()))
                    }
                    numbers.append(number)
                }
                value = .text(numbers.joined(separator: "、"))
            case .uscc:
                value = .text(text.uppercased())
            case .publishConsent:
                guard let stored = normalizedConsent(text) else {
                    return .failure(FieldIssue(spec, Message.fcIsQuoted.text(text), expected: Message.fcConsentExample.text()))
                }
                value = .text(stored)
            default:
                value = .text(text)
            }
            if let issue = check(value, spec) { return .failure(issue) }
            return .success(.value(value))
        }
    }

    /// Checks a stored single value (it may have come from anywhere), or `nil` when it is fine.
    public static func check(_ value: FieldValue, _ spec: FieldSpec) -> FieldIssue? {
        guard case .text(let text) = value else {
            if case .null = value { return nil }
            return FieldIssue(spec, Message.fcNotText.text(value), expected: Message.fcThroughForm.text())
        }
        if let violation = TextRule.violation(in: text) {
            return FieldIssue(spec, violation.problem, expected: violation.remedy)
        }
        switch spec.type {
        case .text:
            let limit = spec.maxLength ?? defaultTextLimit
            if text.contains("\n") { return FieldIssue(spec, Message.fcLineBreak.text(), expected: Message.fcOneLine.text()) }
            if text.count > limit { return FieldIssue(spec, Message.fcCharacters.text(text.count), expected: Message.fcAtMostChinese.text(limit)) }
        case .longText:
            let limit = spec.maxLength ?? defaultLongTextLimit
            if text.count > limit { return FieldIssue(spec, Message.fcCharacters.text(text.count), expected: Message.fcAtMost.text(limit)) }
        case .choice:
            return check(element: value, spec)
        case .yesNo:
            if text != "是" && text != "否" { return FieldIssue(spec, Message.fcIsQuoted.text(text), expected: Message.fcYesNo.text()) }
        case .money:
            if normalizedMoney(text) != text { return FieldIssue(spec, Message.fcNotAmount.text(text), expected: Message.fcAmount.text()) }
        case .period:
            if case .success(let p) = Period.parse(text), p.stored == text { return nil }
            return FieldIssue(spec, Message.fcIsNotPeriod.text(text), expected: Message.fcPeriodOrder.text())
        case .date:
            if SimpleDate(text) == nil { return FieldIssue(spec, Message.fcNotDate.text(text), expected: Message.fcDateExample.text()) }
        case .mobile:
            if Phone.normalizedMobile(text) != text { return FieldIssue(spec, Message.fcNotMobile.text(text), expected: Message.fcMobile.text()) }
        case .landline:
            if Phone.normalizedLandline(text) != text { return FieldIssue(spec, Message.fcNotLandline.text(text), expected: Message.fcLandlineExample.text()) }
        case .phones:
            let items = text.split(separator: "、").map(String.init)
            if items.isEmpty || items.contains(where: { Phone.normalized($0) != $0 }) {
                return FieldIssue(spec, Message.fcNotPhoneList.text(text), expected: Message.fcPhones.text())
            }
        case .email:
            if !Email.isValid(text) { return FieldIssue(spec, Message.fcNotEmail.text(text), expected: Message.fcEmailExample.text()) }
        case .uscc:
            if let problem = USCC.problem(text) { return FieldIssue(spec, problem, expected: Message.fcUSCC.text()) }
        case .publishConsent:
            if normalizedConsent(text) != text { return FieldIssue(spec, Message.fcIsQuoted.text(text), expected: Message.fcConsent.text()) }
        case .multiChoice, .guideScenarios:
            return FieldIssue(spec, Message.fcSingleValue.text(), expected: Message.fcListOfChoices.text())
        }
        return nil
    }

    /// Checks one element of a choice or set field.
    public static func check(element: FieldValue, _ spec: FieldSpec) -> FieldIssue? {
        switch spec.type {
        case .guideScenarios:
            guard case .int(let n) = element, GuideCatalog.national.scenario(Int(n)) != nil else {
                return FieldIssue(spec, Message.fcNotGuideScenario.text(element), expected: Message.fcNumberUpTo.text(GuideCatalog.national.scenarios.count))
            }
            return nil
        default:
            let options = spec.options ?? []
            guard case .text(let text) = element else {
                return FieldIssue(spec, Message.fcNotAChoice.text(element), expected: options.joined(separator: " / "))
            }
            if options.contains(text) && text != spec.otherOption { return nil }
            if let other = spec.otherOption, text.hasPrefix(other + "："), text.count > other.count + 1 { return nil }
            if let other = spec.otherOption, text == other {
                return FieldIssue(spec, Message.fcOtherWithoutWhat.text(other), expected: Message.fcOtherExample.text(other))
            }
            let hint = spec.otherOption.map { " (or \($0)：<what>)" } ?? ""
            return FieldIssue(spec, Message.fcNotAChoice.text(text), expected: options.filter { $0 != spec.otherOption }.joined(separator: " / ") + hint)
        }
    }

    /// A stored value as the notices print it.
    public static func display(_ value: FieldValue?, _ spec: FieldSpec) -> String {
        guard let value, case .text(let text) = value else {
            if case .int(let n)? = value { return String(n) }
            return ""
        }
        switch spec.type {
        case .period:
            if case .success(let p) = Period.parse(text) { return p.chinese }
        case .publishConsent:
            // As the notice words it: 同意发布；需求有效期为…, or 不同意发布.
            if text.hasPrefix("同意|"), case .success(let p) = Period.parse(String(text.dropFirst(3))) {
                return "同意发布；\(spec.term ?? "有效期")为\(p.chinese)"
            }
            if text == "不同意" { return "不同意发布" }
        default: break
        }
        return text
    }

    /// A set field's elements as the notices print them: in the order the notice lists the
    /// options (free-text answers after them, then in canonical order), joined with 、.
    public static func display(elements: [FieldValue], _ spec: FieldSpec) -> String {
        let options = spec.options ?? []
        func rank(_ element: FieldValue) -> Int { element.text.flatMap { options.firstIndex(of: $0) } ?? options.count }
        return elements.sorted { (rank($0), $0) < (rank($1), $1) }.map { element in
            if case .int(let n) = element { return String(n) }
            return element.text ?? element.description
        }.joined(separator: "、")
    }

    static func normalizedMoney(_ text: String) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 9,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        var whole = String(parts[0].drop { $0 == "0" })
        if whole.isEmpty { whole = "0" }
        guard parts.count == 2 else { return whole }
        guard (1...4).contains(parts[1].count) else { return nil }
        var fraction = String(parts[1])
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? whole : "\(whole).\(fraction)"
    }

    /// `不同意`, or `同意|YYYY-MM/YYYY-MM`.
    static func normalizedConsent(_ text: String) -> String? {
        if text == "不同意" || text == "不同意发布" { return "不同意" }
        var rest = Substring(text)
        for prefix in ["同意发布", "同意|", "同意"] where rest.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            break
        }
        guard rest.count < text.count else { return nil }
        var period = String(rest).trimmingSpaces()
        for noise in ["；", ";", "，", ",", "需求有效期为", "能力供给有效期为", "有效期为", "有效期"] where period.hasPrefix(noise) {
            period = String(period.dropFirst(noise.count)).trimmingSpaces()
        }
        while let first = period.first, "；;，,".contains(first) { period.removeFirst() }
        for noise in ["需求有效期为", "能力供给有效期为", "有效期为", "有效期"] where period.hasPrefix(noise) {
            period = String(period.dropFirst(noise.count))
        }
        guard case .success(let p) = Period.parse(period) else { return nil }
        return "同意|\(p.stored)"
    }
}

/// A calendar date, `YYYY-MM-DD`.
public struct SimpleDate: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= SimpleDate.days(inMonth: m, year: y) else { return nil }
        year = y; month = m; day = d
    }

    /// The calendar day `milliseconds` falls on in a time zone `utcOffsetHours` from UTC: the
    /// inverse of ``endOfDayMilliseconds(utcOffsetHours:)``.
    public init(dayOf milliseconds: Int64, utcOffsetHours: Int) {
        var days = Int((milliseconds + Int64(utcOffsetHours) * 3_600_000).quotientAndRemainder(dividingBy: 86_400_000).quotient)
        var year = 1970
        while true {
            let length = SimpleDate.isLeap(year) ? 366 : 365
            if days < length { break }
            days -= length
            year += 1
        }
        var month = 1
        while days >= SimpleDate.days(inMonth: month, year: year) {
            days -= SimpleDate.days(inMonth: month, year: year)
            month += 1
        }
        self.year = year; self.month = month; self.day = days + 1
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01.
    var daysSinceEpoch: Int {
        var days = 0
        for y in 1970..<year { days += SimpleDate.isLeap(y) ? 366 : 365 }
        for m in 1..<month { days += SimpleDate.days(inMonth: m, year: year) }
        return days + day - 1
    }

    /// The last millisecond of this day in a time zone `utcOffsetHours` from UTC.
    public func endOfDayMilliseconds(utcOffsetHours: Int) -> Int64 {
        Int64(daysSinceEpoch + 1) * 86_400_000 - Int64(utcOffsetHours) * 3_600_000 - 1
    }

    public static func < (a: SimpleDate, b: SimpleDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
}
