import Submissions

/// What every review step prints with `--json`, for one record or many (`submit`, `recommend`,
/// `return`, `select`, `reject`, `conclude`): each record named, with the record as it stands
/// (null when it is not on this replica) and the refusal that stopped it (null when it may take the step).
struct StepJSON: Encodable {
    struct Item: Encodable {
        let id: String
        @Nullable var record: RecordJSON?
        @Nullable var refusal: RefusalJSON?
    }

    let step: String
    let dryRun: Bool
    let written: Bool
    let records: [Item]
    /// The province's selection against the call's targets, after a `select`/`reject` (else null).
    @Nullable var selection: SelectionProgress?
}
