import SyncClient

/// What `sync --json` prints, on success and (under `result`, beside `error`) on a failure after
/// the exchange: refused changes, changes kept apart, files not kept.
struct SyncResultJSON: Encodable {
    let pushed: Int, pulled: Int, roundTrips: Int
    let bytesSent: Int, bytesReceived: Int
    let filesSent: Int, filesFetched: Int, fileBytes: Int
    let refused: [RefusalJSON]
    /// Changes the hub sent that did not verify, kept apart.
    let keptApart: Int
    let fileProblems: [String]
    /// What the sync had to say besides (a folder restored from an older copy, a clock that ran fast).
    let notices: [String]

    init(_ report: SyncClient.Report, notices: [String]) {
        (pushed, pulled, roundTrips) = (report.pushed, report.pulled, report.roundTrips)
        (bytesSent, bytesReceived) = (report.bytesSent, report.bytesReceived)
        (filesSent, filesFetched, fileBytes) = (report.filesSent, report.filesFetched, report.fileBytes)
        refused = report.refused.map(RefusalJSON.init)
        keptApart = report.keptApart.count
        fileProblems = report.fileProblems
        self.notices = notices
    }
}
