/// A conflict as `conflicts --json` prints it: a field edited on two replicas at once (`field`),
/// every value kept and numbered for `resolve --pick`, or a record deleted while it was edited
/// elsewhere (`deletedWhileEdited`, `field` null).
struct ConflictJSON: Encodable {
    struct Version: Encodable {
        let pick: Int
        /// The value as the notice prints it; null for the deletion itself.
        @Nullable var value: String?
        /// The name typed with the change (--as), if any.
        @Nullable var author: String?
        let time: String
        let replica: String
    }

    let record: String
    let kind: String
    @Nullable var field: String?
    let versions: [Version]
}
