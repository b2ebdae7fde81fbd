/// A change a store has checked (``ReplicaStore/check(_:)``) against every rule that needs neither
/// its tables nor its clock: the data model's rules and the collections it holds. Applying it does
/// not check it again, so a layer that runs its own rules between the two runs each rule once.
public struct CheckedChange: Sendable, Equatable {
    public let change: Change

    init(_ change: Change) { self.change = change }
}
