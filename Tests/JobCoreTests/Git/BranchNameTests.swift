import Foundation
import JobCore
import JobCoreTesting
import Testing

@Suite struct BranchNameTests {
    @Test(arguments: ["main", "agent/issue-42", "feature/x.y", "a@b", "ü/日本", "x/y/z", "@x", "a.b", "v1.0-rc"])
    func acceptsValidNames(name: String) {
        #expect(BranchName.isValid(name))
    }

    @Test(arguments: ["", "-x", "a..b", "a@{b", "HEAD", "a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", "a\\b",
                      ".a", "a/.b", "a.lock", "a/b.lock/c", "a/", "a.", "a//b", "/a", "a\u{7}b", "a\u{7F}b"])
    func rejectsInvalidNames(name: String) {
        #expect(!BranchName.isValid(name))
        #expect(throws: GitError.self) { try BranchName.validate(name) }
    }

    @Test func loneAtIsAValidGitBranchButNotAFeatureBranch() {
        #expect(BranchName.isValid("@"))
        #expect(throws: GitError.self) { try BranchName.validateFeatureBranch("@") }
        #expect(throws: Never.self) { try BranchName.validateFeatureBranch("agent/issue-42") }
    }

    /// Thousands of generated names, each judged by `git check-ref-format --branch`: no disagreement.
    @Test func agreesWithGitOnGeneratedNames() async throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let names = BranchNameCorpus.make(count: 3000, using: &generator)
        let verdicts = try await GitCheckRefFormat.judge(names)
        var disagreements: [String] = []
        for (name, gitSaysValid) in zip(names, verdicts) where BranchName.isValid(name) != gitSaysValid {
            disagreements.append("\(name.debugDescription): git \(gitSaysValid ? "accepts" : "rejects")")
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements: \(disagreements.prefix(20))")
    }
}

/// Names to test: edge cases, random strings over a hostile alphabet, and mutations of valid names.
enum BranchNameCorpus {
    static let edgeCases = [
        "main", "-", "--", "-main", "@", "@@", "@{", "a@{1}", "@{-1}", "HEAD", "head", "refs/heads/x", ".", "..", "...",
        "a.", "a..", ".a", "a/.", "a/..", "a/.b", "a.lock", "a.lock/b", "a/b.lock", ".lock", "a.loc", "lock", "a/", "/a",
        "a//b", "a/b/", "a b", "a\tb", "a\nb", "a~1", "a^", "a:b", "a?", "a*", "a[0]", "a\\b", "a]b", "a{b}", "a@b",
        "a@", "@a", "a/@/b", "a/@", "x\u{7F}", "é", "naïve/branch", "日本/語", "a.b.c", "a-b_c", "a=b", "a+b", "a,b",
        "a;b", "a'b", "a\"b", "a<b>", "a|b", "a!b", "a#b", "a$b", "a%b", "a&b", "a(b)", "a`b", "(", ")", "{", "}", "a}",
    ]
    static let alphabet: [Character] = Array("ab/.-@{}~^:?*[\\ \t lockHED_09é") + ["\u{1}", "\u{7F}", "]"]
    static let valid = ["main", "agent/issue-42", "feature/login", "release/v1.2.3", "fix/bug_12", "user/x.y"]

    static func make(count: Int, using generator: inout SeededGenerator) -> [String] {
        var names = edgeCases
        while names.count < count {
            if Bool.random(using: &generator) {
                let length = Int.random(in: 1...12, using: &generator)
                names.append(String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
            } else {
                var name = Array(valid.randomElement(using: &generator)!)
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let position = Int.random(in: 0...name.count, using: &generator)
                    let piece = ["/", ".", "..", ".lock", "@{", "@", "-", " ", "~", "//", "/.", "x"].randomElement(using: &generator)!
                    if Bool.random(using: &generator) || name.isEmpty {
                        name.insert(contentsOf: piece, at: position)
                    } else {
                        name.remove(at: min(position, name.count - 1))
                    }
                }
                names.append(String(name))
            }
        }
        return names
    }
}

/// Asks `git check-ref-format --branch` about many names with one shell, outside any repository.
enum GitCheckRefFormat {
    static func judge(_ names: [String]) async throws -> [Bool] {
        try await TemporaryDirectory.with(prefix: "refcheck") { directory in
            let script = """
            while IFS= read -r -d '' name; do
              if git check-ref-format --branch "$name" >/dev/null 2>&1; then printf 1; else printf 0; fi
            done
            """
            var input = Data()
            for name in names {
                input.append(contentsOf: Array(name.utf8))
                input.append(0)
            }
            let names = input
            let output = try await DedicatedThread.run(name: "check-ref-format") {
                try GitFixture.shell(script, in: directory, input: names, environment: ["GIT_CEILING_DIRECTORIES": directory.path])
            }
            return output.map { $0 == "1" }
        }
    }
}

/// A small deterministic random number generator (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
