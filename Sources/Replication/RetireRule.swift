/// Which entries a change may retire (make not live) by listing them in `supersedes`.
///
/// Permission is judged per field: a party allowed to write field F must not, by listing dots,
/// erase what another party wrote in field G. So the merge rule itself is per field, and a listed
/// dot outside what the change may retire has no effect, wherever and whenever it arrives:
///
/// - `set` of F retires entries of F only;
/// - `add` and `remove` of F retire `add` entries of F only;
/// - `delete` retires earlier tombstones and entries of **unreserved** fields only: a deleted record
///   keeps its reserved fields (who owns it, its workflow), so it still says whose it is;
/// - `restore` retires tombstones only.
public enum RetireRule {
    /// Whether a field is reserved: its name begins with `_` (a record's own bookkeeping).
    public static func isReserved(_ field: String) -> Bool { field.utf8.first == UInt8(ascii: "_") }

    /// Whether a change (`op` on `field`) may retire an entry (`entryOp` on `entryField`).
    public static func retires(_ op: Operation, _ field: String, entry entryOp: Operation, _ entryField: String) -> Bool {
        guard entryOp.leavesEntry else { return false }
        switch op {
        case .set: return entryOp != .delete && entryField == field
        case .add, .remove: return entryOp == .add && entryField == field
        case .delete: return entryOp == .delete || !isReserved(entryField)
        case .restore: return entryOp == .delete
        }
    }
}
