/// A change a store has checked (``ReplicaStore/check(_:)``) against every rule that needs neither
/// its tables nor its clock: the data model's rules and the collections it holds. Applying it to
/// the store that checked it does not check it again, so a layer that runs its own rules between
/// the two runs each rule once; another store checks it afresh.
public struct CheckedChange: Sendable, Equatable {
    public let change: Change
    /// The store that checked it.
    let checker: ObjectIdentifier

    init(_ change: Change, checker: ObjectIdentifier) {
        self.change = change
        self.checker = checker
    }
}
