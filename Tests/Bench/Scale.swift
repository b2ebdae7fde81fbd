/// How big each benchmark is in quick and full mode.
struct Scale {
    let full: Bool
    var mergeChanges: Int { full ? 200_000 : 20_000 }
    var editSamples: Int { full ? 400 : 100 }
    var cloneChanges: Int { full ? 200_000 : 20_000 }
    var deltaSmall: Int { 1_000 }
    var deltaLarge: Int { full ? 200_000 : 20_000 }
    var replicas: Int { full ? 200 : 50 }
    var changesPerReplica: Int { 50 }
    var submissions: Int { full ? 10_000 : 2_000 }
    var batch: Int { 1_000 }
}
