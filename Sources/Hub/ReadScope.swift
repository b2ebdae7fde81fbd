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

    /// A published key (collection `replicas`) reaches every replica: any replica may come to hold
    /// any origin's changes (a selected record reaches everyone, with its history), and a key is
    /// what says who made them and lets their signatures be checked.
    static func keyVisible(_ record: RecordState?, to actor: Actor) -> Bool {
        record?["org"]?.text != nil
    }
}
