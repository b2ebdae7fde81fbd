import Replication

/// A replica's signature over its own chain at a position (``ChangeChain/Head``, signer = the
/// replica), as a push or a bundle carries it: the hub computes the hash itself.
public struct SignedPosition: Sendable, Equatable {
    public var seq: UInt64
    public var signature: [UInt8]

    public init(seq: UInt64, signature: [UInt8]) {
        self.seq = seq
        self.signature = signature
    }
}

/// What proves the changes of a page: one interval of an origin's chain, positions
/// `first…seq`, that holds at least one change of the page. With the hash before `first`
/// (`base`) and the leaf of every position of the interval the page does not carry, in order
/// (`nil`: the hub holds nothing there), the replica computes the hash at `seq` and checks the
/// head's signature over it (PROTOCOL.md 2.11).
public struct ChainProof: Sendable, Equatable {
    public var origin: ReplicaID
    public var first: UInt64
    public var seq: UInt64
    public var base: [UInt8]
    public var leaves: [[UInt8]?]
    public var signer: ReplicaID
    public var signature: [UInt8]

    public init(origin: ReplicaID, first: UInt64, seq: UInt64, base: [UInt8], leaves: [[UInt8]?], signer: ReplicaID, signature: [UInt8]) {
        self.origin = origin
        self.first = first
        self.seq = seq
        self.base = base
        self.leaves = leaves
        self.signer = signer
        self.signature = signature
    }
}
