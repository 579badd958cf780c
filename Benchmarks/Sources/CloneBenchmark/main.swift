// Cold shallow clone: JobCore (libgit2, only the requested ref) against
// `git clone --depth 1 --single-branch` of the same repository from the same LocalGitServer.
//
//   swift run -c release --package-path Benchmarks CloneBenchmark [--commits N] [--files N] [--runs N]
import Foundation
import JobCore
import JobCoreTesting

func option(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let parsed = Int(arguments[index + 1]) else { return value }
    return parsed
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func seconds(_ duration: Duration) -> Double { duration.timeInterval }

let commits = option("--commits", default: 5000)
let files = option("--files", default: 2000)
let runs = option("--runs", default: 7)

let root = try TemporaryDirectory(prefix: "clone-bench")
defer { root.remove() }
let spec = GitFixture.Spec(commits: commits, files: files, fileSize: 2048)
try GitFixture.makeBareRepository(at: root.url.appendingPathComponent("srv/bench/repo.git"), spec: spec)
let server = try await LocalGitServer.start(root: root.url.appendingPathComponent("srv"))
let url = server.url(for: "bench/repo.git")
let source = try RepositorySource.parse(url)
let client = GitClient()

var jobcore: [Double] = []
var gitCLI: [Double] = []
var received = GitProgress()
// Warm the server's page cache once with each client, then alternate runs so both see the same conditions.
for run in 0...runs {
    let ours = root.url.appendingPathComponent("jobcore-\(run)")
    let start = ContinuousClock.now
    let result = try await client.clone(source, into: ours.path)
    let elapsedOurs = seconds(ContinuousClock.now - start)
    received = result.progress
    precondition(result.isShallow)

    let theirs = root.url.appendingPathComponent("git-\(run)")
    let gitStart = ContinuousClock.now
    try GitFixture.git(["clone", "--quiet", "--depth", "1", "--single-branch", url, theirs.path])
    let elapsedGit = seconds(ContinuousClock.now - gitStart)
    if run > 0 {
        jobcore.append(elapsedOurs)
        gitCLI.append(elapsedGit)
    }
    try? FileManager.default.removeItem(at: ours)
    try? FileManager.default.removeItem(at: theirs)
}
try await server.shutdown()

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let ours = median(jobcore), theirs = median(gitCLI)
emit(["name": "clone.shallow.jobcore", "unit": "s", "value": ours, "runs": runs, "min": jobcore.min()!,
      "commits": commits, "files": files, "objects": received.receivedObjects, "bytes": received.receivedBytes])
emit(["name": "clone.shallow.git-cli", "unit": "s", "value": theirs, "runs": runs, "min": gitCLI.min()!, "peer": "git clone --depth 1 --single-branch"])
emit(["name": "clone.shallow.ratio", "unit": "x", "value": ours / theirs, "target": 1.25])
