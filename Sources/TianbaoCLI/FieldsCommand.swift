import Messages
import Foundation
import Submissions

/// `fields CALL FORM`: what a form asks, before anything is typed into it.
enum FieldsCommand {
    static let fields = Command(
        "fields", abstract: "List a form's fields: label, key, type, whether required, choices, limits and the notice's guidance.",
        discussion: "The form is named by its id, its attachment label (附件1) or its title. Use the labels (or keys) with 'tianbao new … --set 字段=值'.",
        arguments: [Argument("call", help: "The call's id (see 'tianbao calls')."), Argument("form", help: "The form: id, attachment label or title.")]
    ) { inv in
        let workspace = try ReplicaDirectory(inv).workspace(inv)
        let call = try workspace.call(try inv.required("call"))
        let reference = try inv.required("form")
        guard let form = call.form(named: reference) else {
            throw DomainError.unknownForm(reference, call: call.id, known: call.formChoices)
        }
        if inv.flag("json") {
            try JSONOut.print(inv.io, form.fields.map(FieldJSON.init))
            return 0
        }
        inv.io.print("\(call.id) \(form.attachment) \(form.title)" + (form.applicants.map { Message.filedBy.text($0.map(\.chinese).joined(separator: "、")) } ?? ""))
        var section: String?
        for spec in form.fields {
            if spec.section != section, let next = spec.section {
                inv.io.print("【\(next)】")
                section = next
            }
            var line = "  \(spec.name)  (\(spec.key); \(describe(spec.type))\(spec.required ? "; required" : "")"
            if let max = spec.maxLength { line += "; at most \(max) characters" }
            line += ")"
            if let options = spec.options { line += "  choices: " + options.joined(separator: " / ") }
            inv.io.print(line)
            if let hint = spec.hint { inv.io.print("      \(hint)") }
        }
        for rule in call.rules where rule.form == form.id {
            inv.io.print(Message.ruleLine.text(rule.basis))
        }
        return 0
    }

    /// A type as a person fills it in.
    static func describe(_ type: FieldType) -> String {
        switch type {
        case .text: "text"
        case .longText: "long text"
        case .choice: "one choice"
        case .multiChoice: "several choices, separated by 、"
        case .yesNo: "是 or 否"
        case .money: "amount in 万元"
        case .period: "period, such as 2026年3月-2028年6月"
        case .date: "date, such as 2026-01-20"
        case .mobile: "mobile number"
        case .landline: "landline with area code, such as 0591-87832310"
        case .phones: "phone numbers, separated by 、"
        case .email: "e-mail address"
        case .uscc: "统一社会信用代码, 18 characters"
        case .guideScenarios: "numbers of the national guide's scenarios, separated by 、"
        case .publishConsent: "不同意, or 同意 with a validity period, such as 同意 2023年5月-2024年12月"
        }
    }

    struct FieldJSON: Encodable {
        let key: String, label: String, name: String, type: String, required: Bool
        let maxLength: Int?, options: [String]?, section: String?, hint: String?
        init(_ spec: FieldSpec) {
            (key, label, name, type, required) = (spec.key, spec.label, spec.name, spec.type.rawValue, spec.required)
            (maxLength, options, section, hint) = (spec.maxLength, spec.options, spec.section, spec.hint)
        }
    }
}
