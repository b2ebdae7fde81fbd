import Replication
import Submissions

/// What each replica may read.
///
/// - organisations and call templates: everyone;
/// - a form record: its own unit's replicas; once submitted, the province, and the city its unit
///   reports through; once selected (入库), everyone;
/// - scope only grows: a record that entered a replica's scope stays in it (a returned record
///   stays with its city), because a replica cannot unlearn the changes it holds.
enum ReadScope {
    static func visible(_ submission: Submission?, to actor: Actor, directory: Directory) -> Bool {
        guard let submission else { return false }
        if submission.unit == actor.org || submission.status == .selected { return true }
        let everSubmitted = submission.record.fields[WorkflowField.submission] != nil
        switch actor.role {
        case .province: return everSubmitted
        case .city: return everSubmitted && directory[submission.unit]?.reportingUnit == actor.org
        case .hospital: return false
        }
    }
}
