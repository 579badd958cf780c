// Cold shallow clone: JobCore (libgit2, only the requested ref) against
// `git clone --depth 1 --single-branch` of the same repository from the same LocalGitServer, on
// two fixtures: `service` (2,000 files, 5,000 commits: a typical service repository) and
// `big-tree` (15,600 files in nested directories, mixed sizes, about 37 MB, 3,000 commits: a
// monorepo). Each run also reports its phases: JobCore's from its progress reports (negotiation,
// pack transfer, indexing, checkout), git's from GIT_TRACE_PERFORMANCE.
//
//   swift run -c release --package-path Benchmarks CloneBenchmark [--fixture service|big-tree] [--runs N]
import Foundation
import JobCore
import JobCoreTesting
import Synchronization

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// When JobCore's clone reached each phase, from its progress reports.
final class PhaseClock: Sendable {
    struct Marks { var first: ContinuousClock.Instant?; var received: ContinuousClock.Instant?; var checkout: ContinuousClock.Instant? }
    let marks = Mutex(Marks())
    func report(_ progress: GitProgress) {
        let now = ContinuousClock.now
        marks.withLock { marks in
            if marks.first == nil { marks.first = now }
            if marks.received == nil, progress.phase > .receivingObjects || progress.isPhaseComplete { marks.received = now }
            if marks.checkout == nil, progress.phase == .checkingOut { marks.checkout = now }
        }
    }
    func phases(start: ContinuousClock.Instant, end: ContinuousClock.Instant) -> [String: Double] {
        let marks = marks.withLock { $0 }
        let first = marks.first ?? end, received = marks.received ?? first, checkout = marks.checkout ?? received
        return ["negotiation": (first - start).timeInterval, "transfer": (received - first).timeInterval,
                "indexing": (checkout - received).timeInterval, "checkout": (end - checkout).timeInterval]
    }
}

/// git's phases from a GIT_TRACE_PERFORMANCE file: the transport helper (negotiation and
/// transfer), index-pack (overlapping it), the connectivity check, the checkout.
func gitPhases(_ trace: URL) -> [String: Double] {
    var phases: [String: Double] = [:]
    let text = (try? String(contentsOf: trace, encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") {
        guard let range = line.range(of: "performance: ") else { continue }
        let rest = line[range.upperBound...]
        guard let seconds = Double(rest.prefix { $0 != " " }) else { continue }
        let what = rest.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
        if what.contains("remote-http") { phases["transfer", default: 0] += seconds }
        else if what.contains("index-pack") { phases["indexing", default: 0] += seconds }
        else if what.contains("rev-list") { phases["connectivity", default: 0] += seconds }
        else if what == "unpack_trees" { phases["checkout", default: 0] += seconds }
    }
    return phases
}

func averaged(_ samples: [[String: Double]]) -> [String: Double] {
    var keys = Set<String>()
    samples.forEach { keys.formUnion($0.keys) }
    return Dictionary(uniqueKeysWithValues: keys.map { key in (key, median(samples.map { $0[key] ?? 0 })) })
}

let runs = argument("--runs").flatMap(Int.init) ?? 5
let fixtures = argument("--fixture").map { [$0] } ?? ["service", "big-tree"]
let root = try TemporaryDirectory(prefix: "clone-bench")
defer { root.remove() }
let served = root.url.appendingPathComponent("srv")
for fixture in fixtures {
    let repository = served.appendingPathComponent("bench/\(fixture).git")
    switch fixture {
    case "service": try GitFixture.makeBareRepository(at: repository, spec: GitFixture.Spec(commits: 5000, files: 2000, fileSize: 2048))
    case "big-tree": try BigTreeFixture.make(at: repository, files: 15_600, commits: 3000)
    default: fatalError("unknown fixture \(fixture): service or big-tree")
    }
}
let server = try await LocalGitServer.start(root: served)
let client = GitClient()

for fixture in fixtures {
    let url = server.url(for: "bench/\(fixture).git")
    let source = try RepositorySource.parse(url)
    var jobcore: [Double] = [], gitCLI: [Double] = []
    var jobcorePhases: [[String: Double]] = [], gitCLIPhases: [[String: Double]] = []
    var received = GitProgress()
    var files = 0
    // One warm-up run of each (the server's page cache), then alternating runs.
    for run in 0...runs {
        let ours = root.url.appendingPathComponent("jobcore-\(run)")
        let phases = PhaseClock()
        let start = ContinuousClock.now
        let result = try await client.clone(source, into: ours.path, progress: { phases.report($0) })
        let end = ContinuousClock.now
        received = result.progress
        precondition(result.isShallow)

        let theirs = root.url.appendingPathComponent("git-\(run)")
        let trace = root.url.appendingPathComponent("trace-\(run)")
        let gitStart = ContinuousClock.now
        try GitFixture.git(["clone", "--quiet", "--depth", "1", "--single-branch", url, theirs.path],
                           environment: ["GIT_TRACE_PERFORMANCE": trace.path])
        let gitEnd = ContinuousClock.now
        if run > 0 {
            jobcore.append((end - start).timeInterval)
            gitCLI.append((gitEnd - gitStart).timeInterval)
            jobcorePhases.append(phases.phases(start: start, end: end))
            gitCLIPhases.append(gitPhases(trace))
        }
        if run == 0 { files = FileManager.default.enumerator(atPath: ours.path)?.allObjects.count ?? 0 }
        try? FileManager.default.removeItem(at: ours)
        try? FileManager.default.removeItem(at: theirs)
    }
    let ours = median(jobcore), theirs = median(gitCLI)
    emit(["name": "clone.\(fixture).jobcore", "unit": "s", "value": ours, "runs": runs, "min": jobcore.min()!,
          "objects": received.receivedObjects, "bytes": received.receivedBytes, "entries": files, "phases": averaged(jobcorePhases)])
    emit(["name": "clone.\(fixture).git-cli", "unit": "s", "value": theirs, "runs": runs, "min": gitCLI.min()!,
          "peer": "git clone --depth 1 --single-branch", "phases": averaged(gitCLIPhases)])
    emit(["name": "clone.\(fixture).ratio", "unit": "x", "value": ours / theirs, "target": fixture == "big-tree" ? 1.1 : 1.25])
}
try await server.shutdown()
