import Foundation

// tianbao-bench: each figure against its reference, side by side in one run, as ratios.
//   swift run -c release tianbao-bench            quick mode (under a minute; CI smoke)
//   swift run -c release tianbao-bench --full     full mode (N = 200,000)
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--child" {
    exit(ChildJobs.run(Array(arguments.dropFirst())))
}
if arguments.contains("--help") {
    print("usage: tianbao-bench [--quick | --full] [--only NAME[,NAME…]]\n  figures: merge, edit, clone, idle, delta, concurrency, compile, attachment, dashboard, rush, offline, signature")
    exit(0)
}
exit(BenchRun.run(full: arguments.contains("--full"),
                  only: arguments.firstIndex(of: "--only").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }))
