import Replication
import Submissions

/// What each replica may read.
///
/// - organisations and call templates: everyone;
/// - a form record: its own unit's replicas and its joint applicants' (联合申报); once submitted, the province, and the city its unit
///   reports through; once selected (入库), everyone;
/// - scope only grows: a record that entered a replica's scope stays in it (a returned record
///   stays with its city), because a replica cannot unlearn the changes it holds.
enum ReadScope {
    /// The fields ``visible(_:to:directory:)`` reads: a record need not be loaded beyond them.
    static let fields = [WorkflowField.unit, WorkflowField.decision, WorkflowField.submission, WorkflowField.partners]

    /// Decided on the record's fields alone (no revision hash): this runs for every record a
    /// pull walks past.
    static func visible(_ record: RecordState?, to actor: Actor, directory: Directory) -> Bool {
        guard let record, let unit = record[WorkflowField.unit]?.text else { return false }
        if unit == actor.org { return true }
        // A unit applying jointly sees the record from the moment the owner names it (联合申报).
        if JointRecord.partners(record[WorkflowField.partners]).contains(actor.org) { return true }
        if WorkflowEntry(record[WorkflowField.decision])?.action == .select { return true }
        let everSubmitted = record.fields[WorkflowField.submission] != nil
        switch actor.role {
        case .province: return everSubmitted
        case .city: return everSubmitted && directory[unit]?.reportingUnit == actor.org
        case .hospital, .enterprise: return false
        }
    }

    /// The keys a form record's arrivals are tagged with (``ReaderRule``): every unit that may read
    /// it by ``visible(_:to:directory:)``, or may come to. Its own unit (`o:`), each partner named
    /// (`o:`); once submitted, the province (`s`) and whoever its unit reports through (`s:` and
    /// the unit, the directory deciding at walk time); once selected, everyone. Keys only grow,
    /// so a partner named and taken off again, or a decision changed, keeps its key.
    static let rule = ReaderRule(collection: Workspace.Collection.submissions, fields: fields) { record in
        guard let unit = record[WorkflowField.unit]?.text else { return [ReaderRule.everyone] }
        var keys = ["o:" + unit]
        for version in record.fields[WorkflowField.partners]?.versions ?? [] {
            keys += JointRecord.partners(version.value).map { "o:" + $0 }
        }
        if record.fields[WorkflowField.submission] != nil { keys += ["s", submittedKey(unit)] }
        if record.fields[WorkflowField.decision]?.versions.contains(where: { WorkflowEntry($0.value)?.action == .select }) == true {
            keys.append(ReaderRule.everyone)
        }
        return keys
    }

    /// The keys whose arrivals a walk for `replica` of `actor` reads; nil for the province, which
    /// reads nearly everything (its walk reads every arrival). A record it keeps once entered is
    /// under `r:` and the replica (``grantKey(_:)``).
    static func keys(for actor: Actor, replica: ReplicaID, directory: Directory) -> [String]? {
        let mine = [ReaderRule.everyone, "o:" + actor.org, grantKey(replica)]
        switch actor.role {
        case .province: return nil
        case .city: return mine + directory.organizations.values.filter { $0.reportingUnit == actor.org }.map { submittedKey($0.code) }.sorted()
        case .hospital, .enterprise: return mine
        }
    }

    /// The key of `unit`'s submitted records: the city it reports through reads them.
    static func submittedKey(_ unit: String) -> String { "s:" + unit }

    /// The key of the records `replica` was granted: they stay in its scope.
    static func grantKey(_ replica: ReplicaID) -> String { "r:" + replica.hex }

    /// A published key (collection `replicas`) reaches every replica: any replica may come to hold
    /// any origin's changes (a selected record reaches everyone, with its history), and a key is
    /// what says who made them and lets their signatures be checked.
    static func keyVisible(_ record: RecordState?, to actor: Actor) -> Bool {
        record?["org"]?.text != nil
    }
}
