/// One change of a record's history, as `log --json` prints it.
struct HistoryJSON: Encodable {
    /// When it was made, by its replica's clock (ISO 8601, in the call's offset).
    let time: String
    /// The identity the hub enrolled for the replica that made it.
    let enrolled: String
    let unit: String
    /// The name typed with --as, where it differs: a note, never the author.
    @Nullable var typed: String?
    let replica: String, dot: String, field: String, op: String
    @Nullable var value: String?
}
