import Foundation

/// Runs the figures and prints the table. Exit 0 whatever the results: CI reports, not enforces.
enum BenchRun {
    static func run(full: Bool, only: String?) -> Int32 {
        let scale = Scale(full: full)
        var figures: [Figure] = []
        func measure(_ name: String, _ body: () throws -> [Figure]) {
            guard only == nil || only!.split(separator: ",").contains(Substring(name)) else { return }
            FileHandle.standardError.write(Data("… \(name)\n".utf8))
            do {
                figures += try body()
            } catch {
                figures.append(Figure(name: name, ours: "error: \(error)", reference: "", ratio: nil, target: "", pass: false))
            }
        }
        let merge = MergeBench(scale: scale)
        measure("merge") { try merge.run() }
        measure("edit") { try EditLatencyBench(scale: scale).run() }
        measure("clone") { try CloneBench(scale: scale, merge: merge).run() }
        measure("idle") { try IdleSyncBench().run() }
        measure("delta") { try DeltaBench(scale: scale).run() }
        measure("concurrency") { try ConcurrencyBench(scale: scale).run() }
        measure("compile") { try CompileBench(scale: scale).run() }
        measure("attachment") { try AttachmentBench(scale: scale).run() }
        measure("dashboard") { try DashboardBench(scale: scale).run() }
        measure("rush") { try DeadlineRushBench(scale: scale).run() }
        measure("offline") { try OfflineCommandBench(scale: scale).run() }
        measure("signature") { try SignatureBench(scale: scale, mergeRate: merge.rate > 0 ? merge.rate : 100_000).run() }
        Report.print(figures, mode: full ? "full" : "quick")
        return 0
    }
}
