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
            var facts = [spec.key, describe(spec.type)]
            if spec.required { facts.append(Message.fieldRequired.text()) }
            if let max = spec.maxLength { facts.append(Message.fieldAtMost.text(max)) }
            var line = "  \(spec.name)  (\(facts.joined(separator: "; ")))"
            if let options = spec.options { line += "  " + Message.fieldChoices.text(options.joined(separator: " / ")) }
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
        case .text: Message.typeText.text()
        case .longText: Message.typeLongText.text()
        case .choice: Message.typeChoice.text()
        case .multiChoice: Message.typeMultiChoice.text()
        case .yesNo: Message.typeYesNo.text()
        case .money: Message.typeMoney.text()
        case .period: Message.typePeriod.text()
        case .date: Message.typeDate.text()
        case .mobile: Message.typeMobile.text()
        case .landline: Message.typeLandline.text()
        case .phones: Message.typePhones.text()
        case .email: Message.typeEmail.text()
        case .uscc: Message.typeUSCC.text()
        case .guideScenarios: Message.typeGuideScenarios.text()
        case .publishConsent: Message.typePublishConsent.text()
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
