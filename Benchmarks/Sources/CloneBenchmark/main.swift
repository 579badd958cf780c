// Cold shallow clone: JobCore (libgit2, only the requested ref) against
// `git clone --depth 1 --single-branch` of the same repository from the same LocalGitServer, on
// two fixtures: `service` (2,000 files, 5,000 commits: a typical service repository) and
// `big-tree` (15,600 files in nested directories, mixed sizes, about 37 MB, 3,000 commits: a
// monorepo). Each run also reports its phases: JobCore's from its progress reports (negotiation,
// pack transfer, indexing, checkout), git's from GIT_TRACE_PERFORMANCE.
//
// Then warm workspaces from the repository cache, made as a worker makes them
// (`LocalWorkspaceManager` with a `RepositoryCache`), against floors and peers of the same run:
// `cp -r` of a checkout, `git clone --reference` of a full mirror, and the cold git CLI clone;
// with the remote unchanged, with 20 new commits on it, and 8 workspaces from 4 processes at once.
//
//   swift run -c release --package-path Benchmarks CloneBenchmark [--fixture service|big-tree] [--runs N] [--no-warm]
import Foundation
import JobCore
import JobCoreTesting
import Synchronization

// A child process of the concurrency figure: `--child URL CACHE ROOT COUNT` makes COUNT warm
// workspaces at once and exits.
if let index = CommandLine.arguments.firstIndex(of: "--child") {
    let values = Array(CommandLine.arguments[(index + 1)...])
    let cache = RepositoryCache(configuration: .init(directory: values[1]))
    let manager = LocalWorkspaceManager(configuration: .init(root: values[2], cache: cache))
    let source = try RepositorySource.parse(values[0])
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<Int(values[3])! {
            group.addTask { _ = try await manager.create(WorkspaceOptions(source: source)) }
        }
        try await group.waitForAll()
    }
    exit(0)
}

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

/// Writes back what earlier steps left dirty before a timed step, so that on a disk no step
/// pays for the one before it. Trees are removed only after a fixture's last step: on a disk
/// mounted with `discard` (as here) removing 15,600 files stalls whatever writes next.
func settle() { sync() }

/// Trees to remove once the current fixture is measured.
nonisolated(unsafe) var leftovers: [URL] = []
func removeLeftovers() {
    for url in leftovers { try? FileManager.default.removeItem(at: url) }
    leftovers.removeAll()
    settle()
}

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
        settle()
        let start = ContinuousClock.now
        let result = try await client.clone(source, into: ours.path, progress: { phases.report($0) })
        let end = ContinuousClock.now
        received = result.progress
        precondition(result.isShallow)

        let theirs = root.url.appendingPathComponent("git-\(run)")
        let trace = root.url.appendingPathComponent("trace-\(run)")
        settle()
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
        leftovers += [ours, theirs]
    }
    let ours = median(jobcore), theirs = median(gitCLI)
    emit(["name": "clone.\(fixture).jobcore", "unit": "s", "value": ours, "runs": runs, "min": jobcore.min()!,
          "objects": received.receivedObjects, "bytes": received.receivedBytes, "entries": files, "phases": averaged(jobcorePhases)])
    emit(["name": "clone.\(fixture).git-cli", "unit": "s", "value": theirs, "runs": runs, "min": gitCLI.min()!,
          "peer": "git clone --depth 1 --single-branch", "phases": averaged(gitCLIPhases)])
    emit(["name": "clone.\(fixture).ratio", "unit": "x", "value": ours / theirs, "target": fixture == "big-tree" ? 1.1 : 1.25])
    removeLeftovers()
    if !CommandLine.arguments.contains("--no-warm") {
        try await warm(fixture: fixture, url: url, source: source, coldGit: theirs)
        removeLeftovers()
    }
}
/// Seconds `body` takes.
func timed(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    return (ContinuousClock.now - start).timeInterval
}

/// Bytes on disk under `paths`, each file counted once however many links it has (`du`).
func diskUsage(_ paths: [String]) throws -> Int {
    let output = try GitFixture.run(["du", "-s", "-k", "-c"] + paths)
    let total = output.split(separator: "\n").last?.split(separator: "\t").first.flatMap { Int($0) } ?? 0
    return total * 1024
}

/// The warm figures of one fixture (issue 18 §3).
func warm(fixture: String, url: String, source: RepositorySource, coldGit: Double) async throws {
    let cacheDirectory = root.url.appendingPathComponent("cache-\(fixture)")
    let workspaces = root.url.appendingPathComponent("ws-\(fixture)")
    try FileManager.default.createDirectory(at: workspaces, withIntermediateDirectories: true)
    let cache = RepositoryCache(configuration: .init(directory: cacheDirectory.path))
    let manager = LocalWorkspaceManager(configuration: .init(root: workspaces.path, cache: cache))
    var timedWorkspaces: [Workspace] = []
    func workspace() async throws -> Double {
        settle()
        var workspace: Workspace?
        let seconds = try await timed { workspace = try await manager.create(WorkspaceOptions(source: source)) }
        timedWorkspaces.append(workspace!)
        return seconds
    }
    defer { leftovers.append(workspaces) }
    let fill = try await workspace()

    // Floors and peers: cp -r of a checkout, git clone --reference of a full mirror.
    let checkout = root.url.appendingPathComponent("checkout-\(fixture)")
    try GitFixture.git(["clone", "--quiet", "--depth", "1", "--single-branch", url, checkout.path])
    let fullMirror = root.url.appendingPathComponent("git-mirror-\(fixture).git")
    try GitFixture.git(["clone", "--quiet", "--mirror", url, fullMirror.path])
    var warm: [Double] = [], copy: [Double] = [], reference: [Double] = []
    for run in 0...runs {
        let ours = try await workspace()
        let copied = root.url.appendingPathComponent("copy-\(fixture)-\(run)")
        settle()
        let copySeconds = try await timed { try GitFixture.run(["cp", "-r", checkout.path, copied.path]) }
        let referenced = root.url.appendingPathComponent("reference-\(fixture)-\(run)")
        settle()
        let referenceSeconds = try await timed {
            try GitFixture.git(["clone", "--quiet", "--single-branch", "--reference", fullMirror.path, url, referenced.path])
        }
        leftovers += [copied, referenced]
        if run > 0 { warm.append(ours); copy.append(copySeconds); reference.append(referenceSeconds) }
    }
    emit(["name": "clone.\(fixture).warm.jobcore", "unit": "s", "value": median(warm), "min": warm.min()!, "runs": runs, "fill": fill])
    emit(["name": "clone.\(fixture).warm.cp-r", "unit": "s", "value": median(copy), "min": copy.min()!, "peer": "cp -r of a checkout"])
    emit(["name": "clone.\(fixture).warm.git-reference", "unit": "s", "value": median(reference), "min": reference.min()!,
          "peer": "git clone --single-branch --reference MIRROR"])
    emit(["name": "clone.\(fixture).warm.ratio_to_cold_git", "unit": "x", "value": median(warm) / coldGit,
          "target": fixture == "big-tree" ? 0.25 : 0.1])
    emit(["name": "clone.\(fixture).warm.ratio_to_cp", "unit": "x", "value": median(warm) / median(copy), "target": 1.5])

    // 20 new commits on the remote before each warm workspace.
    let writer = root.url.appendingPathComponent("writer-\(fixture)")
    try GitFixture.git(["clone", "--quiet", "--depth", "1", "--single-branch", url, writer.path])
    var updated: [Double] = []
    for run in 0...runs {
        for number in 1...20 {
            try Data("run \(run) change \(number)\n".utf8).write(to: writer.appendingPathComponent("changed-\(number % 7).txt"))
            try GitFixture.git(["add", "-A"], in: writer)
            try GitFixture.git(["-c", "user.name=W", "-c", "user.email=w@example.com", "commit", "--quiet", "-m", "change \(number)"], in: writer)
        }
        try GitFixture.git(["push", "--quiet", "origin", "HEAD"], in: writer)
        let seconds = try await workspace()
        if run > 0 { updated.append(seconds) }
    }
    emit(["name": "clone.\(fixture).warm20.jobcore", "unit": "s", "value": median(updated), "min": updated.min()!, "runs": runs])
    emit(["name": "clone.\(fixture).warm20.ratio_to_cold_git", "unit": "x", "value": median(updated) / coldGit,
          "target": fixture == "big-tree" ? 0.35 : 0.1])

    // 8 workspaces from 4 processes at once, the mirror warm.
    for workspace in timedWorkspaces { await workspace.cleanup() }
    removeLeftovers()
    let concurrent = root.url.appendingPathComponent("concurrent-\(fixture)")
    try FileManager.default.createDirectory(at: concurrent, withIntermediateDirectories: true)
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    settle()
    let total = try await timed {
        let children = try (0..<4).map { _ in
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--child", url, cacheDirectory.path, concurrent.path, "2"]
            try process.run()
            return process
        }
        for child in children {
            child.waitUntilExit()
            precondition(child.terminationStatus == 0, "a child process failed")
        }
    }
    let made = try FileManager.default.contentsOfDirectory(atPath: concurrent.path).map { concurrent.appendingPathComponent($0).path }
    precondition(made.count == 8, "expected 8 workspaces, found \(made.count)")
    emit(["name": "clone.\(fixture).warm.concurrent", "unit": "s", "value": total, "workspaces": 8, "processes": 4,
          "mirror_bytes": try diskUsage([cacheDirectory.path]), "workspaces_bytes": try diskUsage(made),
          "one_checkout_bytes": try diskUsage([checkout.path])])
    leftovers.append(concurrent)
}

try await server.shutdown()
