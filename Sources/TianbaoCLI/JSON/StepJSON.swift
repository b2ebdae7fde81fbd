import Submissions

/// What every review step prints with `--json`, for one record or many (`submit`, `recommend`,
/// `return`, `select`, `reject`, `conclude`): each record named, with the record as it stands
/// (null when it is not on this replica) and the refusal that stopped it (null when it may take the step).
struct StepJSON: Encodable {
    struct Item: Encodable {
        let id: String
        let record: RecordJSON?
        let refusal: RefusalJSON?

        private enum Keys: String, CodingKey { case id, record, refusal }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(id, forKey: .id)
            try c.encode(record, forKey: .record)
            try c.encode(refusal, forKey: .refusal)
        }
    }

    let step: String
    let dryRun: Bool
    let written: Bool
    let records: [Item]
    /// The province's selection against the call's targets, after a `select`/`reject` (else null).
    let selection: SelectionProgress?

    private enum Keys: String, CodingKey { case step, dryRun, written, records, selection }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(step, forKey: .step)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(written, forKey: .written)
        try c.encode(records, forKey: .records)
        try c.encode(selection, forKey: .selection)
    }
}
