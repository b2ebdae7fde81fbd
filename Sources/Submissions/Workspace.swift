import Messages
import Crypto
import Foundation
import Replication

/// The domain over a replica store: calls, organisations, form records and their workflow.
///
/// Every operation checks ``Permission`` for this replica's ``actor`` before it writes, and writes
/// through the store, so it is one durable transaction and replicates like any change.
public final class Workspace {
    /// The store's collections.
    public enum Collection {
        public static let calls = "calls"
        public static let orgs = "orgs"
        public static let submissions = "submissions"
        /// Replicas' signing keys, published by the hub to each replica's unit (``PublishedKey``).
        public static let replicas = "replicas"
        public static let all: Set<String> = [calls, orgs, submissions, replicas]
    }

    public let store: ReplicaStore
    public let actor: Actor
    /// Who edits, as written into each change (a person's name, or the unit).
    public var author: String?
    private let extraTemplates: [CallTemplate]
    /// The directory and catalogue as read at a store generation: read once per command, however
    /// many rules ask, and read again as soon as anything is written (here or by another process).
    private var context = Context()

    private struct Context {
        var generation = -1
        var directory: Directory?
        var catalog: CallCatalog?
    }

    /// Kept across writes and brought up to date from the arrival log, when ``followArrivals()`` was called.
    private var arrivals: ArrivalCache?

    /// Keeps the directory, the catalogue and who leads which record across writes, reading again
    /// only what arrived since (the hub, which writes on every sync). Only a store that logs
    /// arrivals can be followed so; any other keeps reading per write.
    public func followArrivals() {
        guard store.configuration.recordsArrivals, arrivals == nil else { return }
        arrivals = ArrivalCache()
    }

    private func followedArrivals() throws -> ArrivalCache? {
        guard let arrivals else { return nil }
        try arrivals.catchUp(store, readDirectory: { try Self.directory(of: store) }, readCatalog: readCatalog)
        return arrivals
    }

    /// The form records that may name `person` as their leader, in id order, read from the store as
    /// it stands (deleted ones left out); nil when arrivals are not followed (read them all then).
    func leaderCandidates(for person: LeaderRule.Person) throws -> [Submission]? {
        guard let arrivals = try followedArrivals() else { return nil }
        return try arrivals.leaders.candidates(for: person).compactMap { id in
            try store.record(id).flatMap { $0.isDeleted ? nil : Submission($0) }
        }
    }

    /// The context for the store as it stands now.
    private func currentContext() -> Context {
        let generation = store.generation
        if context.generation != generation { context = Context(generation: generation) }
        return context
    }

    public init(store: ReplicaStore, actor: Actor, author: String? = nil, extraTemplates: [CallTemplate] = []) {
        self.store = store
        self.actor = actor
        self.author = author
        self.extraTemplates = extraTemplates
    }

    /// The wall clock the store stamps changes with.
    var now: Int64 { store.configuration.wallClock() }

    // MARK: Calls

    /// Built-in calls, template files, and calls the province published through sync.
    public func catalog() throws -> CallCatalog {
        if let arrivals = try followedArrivals() { return arrivals.catalog }
        if let known = currentContext().catalog { return known }
        let catalog = try readCatalog()
        context.catalog = catalog
        return catalog
    }

    private func readCatalog() throws -> CallCatalog {
        var catalog = CallCatalog(CallCatalog.builtIn + extraTemplates)
        for record in try store.records(in: Collection.calls) {
            for version in record.fields["template"]?.versions ?? [] {
                if let text = version.value.text, let template = try? CallTemplate.decode(Data(text.utf8)) { catalog.add(template) }
            }
        }
        return catalog
    }

    public func call(_ id: String) throws -> CallTemplate {
        let catalog = try catalog()
        let call = try catalog.resolve(id)
        return call
    }

    /// Publishes a call template to every replica (province only).
    public func publish(_ template: CallTemplate) throws {
        let problems = template.problems()
        guard problems.isEmpty else { throw DomainError.badTemplate(problems.joined(separator: "; ")) }
        try authorize(.publishCall, Permission.Target(unit: nil, status: nil, madeAt: now, call: nil))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(template), as: UTF8.self)
        let id = RecordID.derived(fromHash: SHA256.digest(Array("tianbao:call:\(template.id)".utf8)))
        try store.commit([
            .set(collection: Collection.calls, record: id, field: "id", value: .text(template.id)),
            .set(collection: Collection.calls, record: id, field: "version", value: .int(Int64(template.version))),
            .set(collection: Collection.calls, record: id, field: "template", value: .text(text)),
        ], author: author)
    }

    // MARK: Organisations

    public func directory() throws -> Directory {
        if let arrivals = try followedArrivals() { return arrivals.directory }
        if let known = currentContext().directory { return known }
        let directory = try Self.directory(of: store)
        context.directory = directory
        return directory
    }

    /// The organisations `store` holds, read without a workspace (the hub finds its province so).
    public static func directory(of store: ReplicaStore) throws -> Directory {
        Directory(try store.records(in: Collection.orgs).compactMap(Organization.init(record:)))
    }

    /// Registers or updates an organisation (province only); unchanged fields are not rewritten.
    public func save(_ org: Organization) throws {
        let problems = org.problems()
        guard problems.isEmpty else { throw DomainError.refused(code: "bad_organization", reason: problems.joined(separator: "; ")) }
        try authorize(.manageOrganizations, Permission.Target(unit: org, status: nil, madeAt: now, call: nil))
        let id = Organization.recordID(code: org.code)
        let current = try store.record(id)
        let edits: [Edit] = org.fields.compactMap { field, value in
            guard current?.fields[field]?.value != value || current?.fields[field]?.isConflict == true else { return nil }
            return .set(collection: Collection.orgs, record: id, field: field, value: value)
        }
        try store.commit(edits, author: author)
    }

    // MARK: Records

    public func submission(_ id: String) throws -> Submission {
        guard let record = try store.record(id), !record.isDeleted else { throw DomainError.noSuchRecord(id) }
        guard let submission = Submission(record) else { throw DomainError.notAForm(id) }
        return submission
    }

    /// Form records, ordered by id, narrowed by call, form and status.
    public func submissions(call: String? = nil, form: String? = nil, status: Status? = nil) throws -> [Submission] {
        var result: [Submission] = []
        try forEachSubmission(call: call, form: form, status: status) { result.append($0) }
        return result
    }

    /// The same records one at a time, in id order: for a reader that keeps a line of each, not
    /// all of them.
    public func forEachSubmission(call: String? = nil, form: String? = nil, status: Status? = nil,
                                  _ body: (Submission) throws -> Void) throws {
        try store.forEachRecord(in: Collection.submissions) { state in
            guard let s = Submission(state), call == nil || s.call == call, form == nil || s.form == form,
                  status == nil || s.status == status else { return }
            try body(s)
        }
    }

    /// Creates a draft of `form` for this replica's unit; returns the new record's id.
    ///
    /// `values` are (field, input) pairs, fields named by label, name or key. Inputs are checked
    /// for format now; completeness only at submit.
    @discardableResult
    public func create(call callID: String, form formID: String, values: [(String, String)] = [], id fixedID: String? = nil) throws -> String {
        let call = try call(callID)
        guard let form = call.form(named: formID) else {
            throw DomainError.unknownForm(formID, call: callID, known: call.formChoices)
        }
        let directory = try directory()
        guard let unit = directory[actor.org] else { throw DomainError.unknownUnit(actor.org) }
        try authorize(.create, Permission.Target(unit: unit, status: nil, madeAt: now, call: call), directory: directory)
        if let applicants = form.applicants, !applicants.contains(unit.kind) {
            throw DomainError.refused(code: "not_an_applicant", reason: Self.notAnApplicant(unit, form: form, applicants: applicants))
        }

        if let fixedID {
            guard RecordID.isValid(fixedID) else { throw DomainError.refused(code: "bad_id", reason: Message.badID.text(fixedID)) }
            guard try store.record(fixedID) == nil else { throw DomainError.refused(code: "id_taken", reason: Message.idTaken.text(fixedID)) }
        }
        let id = fixedID ?? RecordID.make(wallMilliseconds: now)
        let (named, unknown) = resolveAll(values, in: form)
        let given = Set(named.map(\.0.key))
        var inputs: [(FieldSpec, String)] = []
        for spec in form.fields where !given.contains(spec.key) {
            if let prefill = spec.prefill, let value = Self.prefill(prefill, unit: unit), !value.isEmpty { inputs.append((spec, value)) }
        }
        inputs += named
        // The unit first: a hub judges every later change of the record by it, and a push split
        // into batches always carries the unit in the first batch that touches the record.
        var edits: [Edit] = [
            .set(collection: Collection.submissions, record: id, field: WorkflowField.unit, value: .text(unit.code)),
            .set(collection: Collection.submissions, record: id, field: WorkflowField.call, value: .text(call.id)),
            .set(collection: Collection.submissions, record: id, field: WorkflowField.form, value: .text(form.id)),
            .set(collection: Collection.submissions, record: id, field: WorkflowField.template, value: .int(Int64(call.version))),
        ]
        edits += try contentEdits(record: id, current: nil, inputs: inputs, unknown: unknown)
        try store.commit(edits, author: author)
        return id
    }

    /// The rules that need the registry of units: a 统一社会信用代码 is the unit's own.
    static func ownershipIssues(_ submission: Submission, form: Form, directory: Directory) -> [FieldIssue] {
        form.fields.filter { $0.type == .uscc }.compactMap { spec in
            guard let code = submission.value(spec.key)?.text, !code.isEmpty,
                  let problem = directory.usccProblem(code, unit: submission.unit) else { return nil }
            return FieldIssue(spec, problem, expected: Message.fcOwnCode.text())
        }
    }

    /// Why `unit` may not file `form`, in the notice's terms.
    public static func notAnApplicant(_ unit: Organization, form: Form, applicants: [Organization.Kind]) -> String {
        Message.notApplicant.text(unit.name, unit.kind.chinese, "\(form.attachment) \(form.title)", applicants.map(\.chinese).joined(separator: "、"))
            + (unit.kind == .city ? Message.cityReviews.text() : "")
    }

    /// Changes answers of a record this replica's unit owns.
    public func edit(_ id: String, values: [(String, String)]) throws {
        let submission = try submission(id)
        let (call, form) = try template(of: submission)
        try authorize(.edit, target(submission, call: call, for: .edit))
        let (inputs, unknown) = resolveAll(values, in: form)
        try store.commit(try contentEdits(record: id, current: submission, inputs: inputs, unknown: unknown), author: author)
    }

    /// Everything that stops the record from being submitted now (empty when it may be).
    public func issues(_ id: String) throws -> [FieldIssue] {
        let submission = try submission(id)
        let (call, form) = try template(of: submission)
        return SubmitRules.issues(submission, form: form, call: call, others: try submissions(), today: SimpleDate(dayOf: now, utcOffsetHours: call.utcOffsetHours),
                                calls: try catalog().lookup)
            + Self.ownershipIssues(submission, form: form, directory: try directory())
    }

    /// Submits (or resubmits after a return) the record: every rule of the form must hold.
    public func submit(_ id: String) throws {
        let submission = try submission(id)
        let (call, form) = try template(of: submission)
        try authorize(.submit, target(submission, call: call, for: .submit))
        let issues = SubmitRules.issues(submission, form: form, call: call, others: try submissions(), today: SimpleDate(dayOf: now, utcOffsetHours: call.utcOffsetHours),
                                calls: try catalog().lookup)
            + Self.ownershipIssues(submission, form: form, directory: try directory())
        guard issues.isEmpty else { throw DomainError.invalid(issues) }
        try writeWorkflow(id, WorkflowField.submission, WorkflowEntry(action: .submit, revision: submission.revision, by: actor.org))
    }

    /// Recommends the record with 审核意见 (city of the record's unit).
    public func recommend(_ id: String, opinion: String) throws {
        try store.commit([plan(.recommend, id, text: opinion)], author: author)
    }

    /// Returns the record to its unit for revision, with 理由 (city of the record's unit).
    public func returnForRevision(_ id: String, reason: String) throws {
        try store.commit([plan(.return, id, text: reason)], author: author)
    }

    /// Selects the record into the provincial library (入库) (province).
    public func select(_ id: String, note: String? = nil) throws {
        try store.commit([plan(.select, id, text: note)], author: author)
    }

    /// Decides not to select the record (province).
    public func reject(_ id: String, note: String? = nil) throws {
        try store.commit([plan(.reject, id, text: note)], author: author)
    }

    /// Deletes a record this replica's unit owns.
    public func delete(_ id: String) throws {
        let submission = try submission(id)
        let (call, _) = try template(of: submission)
        try authorize(.delete, target(submission, call: call, for: .delete))
        try store.commit([.delete(record: id)], author: author)
    }

    /// Takes back a delete made while the record was edited elsewhere.
    public func restore(_ id: String) throws {
        guard let record = try store.record(id), let submission = Submission(record) else { throw DomainError.noSuchRecord(id) }
        let (call, _) = try template(of: submission)
        try authorize(.delete, target(submission, call: call, for: .delete))
        try store.commit([.restore(record: id)], author: author)
    }

    // MARK: Internals

    /// The call and form a record was made with.
    public func template(of submission: Submission) throws -> (CallTemplate, Form) {
        let call = try call(submission.call)
        guard let form = call.form(submission.form) else {
            throw DomainError.unknownForm(submission.form, call: call.id, known: call.forms.map(\.id))
        }
        return (call, form)
    }

    func resolve(_ reference: String, in form: Form) throws -> FieldSpec {
        if let spec = form.field(reference) { return spec }
        let candidates = form.ambiguity(reference)
        if !candidates.isEmpty { throw DomainError.ambiguousField(reference, candidates: candidates.map(\.name)) }
        throw DomainError.unknownField(reference, form: "\(form.attachment) \(form.title)", known: form.fields.map(\.name))
    }

    /// Every (field, input) pair named by a field that exists, and a problem for each that names
    /// none (or several): one mistake among many values does not hide the others.
    func resolveAll(_ values: [(String, String)], in form: Form) -> (named: [(FieldSpec, String)], unknown: [FieldIssue]) {
        var named: [(FieldSpec, String)] = []
        var unknown: [FieldIssue] = []
        for (reference, input) in values {
            do { named.append((try resolve(reference, in: form), input)) } catch {
                let candidates = form.ambiguity(reference)
                unknown.append(FieldIssue(rule: reference, candidates.isEmpty ? Message.notAField.text(form.attachment, form.title)
                                                                     : Message.severalFields.text(candidates.map(\.name).joined(separator: ", ")),
                                          expected: candidates.isEmpty ? Suggestion.nearest(reference, among: form.fields.map(\.name)).map { Message.useField.text($0) } ?? Message.seeFields.text()
                                                                       : Message.useOneName.text()))
            }
        }
        return (named, unknown)
    }

    /// The edits that bring the record's fields to `inputs`; every problem at once (fields that
    /// do not exist, `unknown`, and values that do not fit), and nothing when there is any.
    private func contentEdits(record id: String, current: Submission?, inputs: [(FieldSpec, String)], unknown: [FieldIssue] = []) throws -> [Edit] {
        var edits: [Edit] = []
        var issues: [FieldIssue] = unknown
        for (spec, input) in inputs {
            switch FieldCodec.parse(input, for: spec) {
            case .failure(let issue):
                issues.append(issue)
            case .success(.value(let value)):
                let register = current?.record.fields[spec.key]
                if register?.value != value || register?.isConflict == true || (register == nil && value != .null) {
                    edits.append(.set(collection: Collection.submissions, record: id, field: spec.key, value: value))
                }
            case .success(.elements(let elements)):
                let existing = current?.elements(spec.key) ?? []
                for element in elements where !existing.contains(element) {
                    edits.append(.add(collection: Collection.submissions, record: id, field: spec.key, element: element))
                }
                for element in existing where !elements.contains(element) {
                    edits.append(.remove(record: id, field: spec.key, element: element))
                }
            }
        }
        guard issues.isEmpty else { throw DomainError.invalid(issues) }
        return edits
    }

    /// The change a city's or the province's step on record `id` writes, every rule checked;
    /// nothing is written (``take(_:ids:text:dryRun:)`` writes many at once).
    func plan(_ step: WorkflowEntry.Action, _ id: String, text: String?) throws -> Edit {
        switch step {
        case .recommend: try review(id, .recommend, text: text ?? "", action: .recommend, what: "审核意见")
        case .return: try review(id, .return, text: text ?? "", action: .returnForRevision, what: "理由")
        case .select: try decide(id, .select, note: text, action: .select)
        case .reject: try decide(id, .reject, note: text, action: .reject)
        case .conclude: try conclusion(id, note: text)
        case .submit: throw DomainError.refused(code: "not_a_review", reason: Message.oneAtATime.text())
        }
    }

    private func review(_ id: String, _ kind: WorkflowEntry.Action, text: String, action: Action, what: String) throws -> Edit {
        let text = text.trimmingSpaces()
        guard !text.isEmpty else { throw DomainError.refused(code: "empty_text", reason: Message.textEmpty.text(what)) }
        try Self.checkText(text, what)
        let submission = try submission(id)
        let (call, _) = try template(of: submission)
        try authorize(action, target(submission, call: call, for: action))
        return workflowEdit(id, WorkflowField.review, WorkflowEntry(action: kind, revision: submission.revision, text: text, by: actor.org))
    }

    private func decide(_ id: String, _ kind: WorkflowEntry.Action, note: String?, action: Action) throws -> Edit {
        let submission = try submission(id)
        let (call, form) = try template(of: submission)
        try authorize(action, target(submission, call: call, for: action))
        if kind == .select, let refusal = SelectionRule.refusal(submission, form: form) {
            throw DomainError.refused(code: refusal.code, reason: refusal.reason)
        }
        let note = note?.trimmingSpaces()
        if let note { try Self.checkText(note, "遴选意见") }
        return workflowEdit(id, WorkflowField.decision,
                            WorkflowEntry(action: kind, revision: submission.revision, text: note?.isEmpty == false ? note : nil, by: actor.org))
    }

    private func conclusion(_ id: String, note: String?) throws -> Edit {
        let submission = try submission(id)
        let (call, _) = try template(of: submission)
        try authorize(.conclude, target(submission, call: call, for: .conclude))
        guard submission.workflow.concluded == nil else {
            throw DomainError.refused(code: "already_concluded", reason: Message.alreadyConcluded.text(id))
        }
        let note = note?.trimmingSpaces()
        if let note { try Self.checkText(note, "完结说明") }
        return workflowEdit(id, WorkflowField.concluded,
                            WorkflowEntry(action: .conclude, revision: submission.revision, text: note?.isEmpty == false ? note : nil, by: actor.org))
    }

    /// Names the units applying jointly with this record (联合申报), replacing any named before;
    /// owner only, while the record is in its hands.
    public func share(_ id: String, with partners: [String]) throws {
        let submission = try submission(id)
        let (call, _) = try template(of: submission)
        try authorize(.share, target(submission, call: call, for: .share))
        if let problem = JointRecord.problem(partners, owner: submission.unit, directory: try directory()) {
            throw DomainError.refused(code: "bad_partner", reason: problem)
        }
        try store.commit([.set(collection: Collection.submissions, record: id, field: WorkflowField.partners, value: JointRecord.stored(partners))], author: author)
    }

    /// Marks a selected project 完结 (province): its leader may lead another.
    public func conclude(_ id: String, note: String? = nil) throws {
        try store.commit([plan(.conclude, id, text: note)], author: author)
    }

    /// Workflow text is stored inside a JSON entry, where a control character would be escaped and
    /// pass the store's check: it is held to ``TextRule`` here, by name.
    static func checkText(_ text: String, _ what: String) throws {
        if let violation = TextRule.violation(in: text) {
            throw DomainError.invalid([FieldIssue(rule: what, violation.problem, expected: violation.remedy)])
        }
    }

    private func writeWorkflow(_ id: String, _ field: String, _ entry: WorkflowEntry) throws {
        try store.commit([workflowEdit(id, field, entry)], author: author)
    }

    private func workflowEdit(_ id: String, _ field: String, _ entry: WorkflowEntry) -> Edit {
        .set(collection: Collection.submissions, record: id, field: field, value: entry.stored)
    }

    /// What the permission check needs to know about an existing record.
    /// The history scan behind `everRecommended` runs only for the actions that read it.
    func target(_ submission: Submission, call: CallTemplate, for action: Action) throws -> Permission.Target {
        let decides = action == .select || action == .reject
        var target = Permission.Target(unit: try directory()[submission.unit], status: submission.status,
                                       everRecommended: decides ? try everRecommended(submission.id) : false,
                                       everSubmitted: action == .delete ? try everSubmitted(submission.id) : false, madeAt: now, call: call)
        target.partners = submission.partners
        return target
    }

    /// Whether the record was ever submitted, even if that submission was later replaced.
    public func everSubmitted(_ id: String) throws -> Bool {
        try store.history(of: id).contains { $0.field == WorkflowField.submission }
    }

    /// Whether any city recommendation of the record was ever made, even if later replaced.
    public func everRecommended(_ id: String) throws -> Bool {
        try store.history(of: id).contains { $0.field == WorkflowField.review && WorkflowEntry($0.value)?.action == .recommend }
    }

    func authorizeReceipt() throws {
        try authorize(.acknowledgeReceipt, Permission.Target(unit: nil, status: nil, madeAt: now, call: nil))
    }

    private func authorize(_ action: Action, _ target: Permission.Target, directory: Directory? = nil) throws {
        let decision = Permission.check(actor, action, on: target, directory: try directory ?? self.directory())
        if case .refused(let code, let reason) = decision { throw DomainError.refused(code: code, reason: reason) }
    }

    static func prefill(_ source: String, unit: Organization) -> String? {
        switch source {
        case "unit.name": unit.name
        case "unit.uscc": unit.uscc
        case "unit.level": unit.level
        default: source.hasPrefix("unit.") ? nil : source
        }
    }
}
