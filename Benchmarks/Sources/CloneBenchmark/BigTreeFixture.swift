import Foundation
import JobCoreTesting

/// A repository shaped like a real monorepo with a big tree: `files` files (15,600 by default) in
/// three levels of nested directories, text of mixed sizes (most a few hundred bytes to a few KiB,
/// some tens of KiB, a few over 100 KiB: about 37 MB in all) that compresses like source code, and
/// `commits` commits that each change one to four files. Deterministic: the same arguments make
/// the same repository.
enum BigTreeFixture {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func between(_ low: Int, _ high: Int) -> Int { low + below(high - low + 1) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    static func make(at path: URL, files: Int, commits: Int) throws {
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        try GitFixture.git(["init", "--quiet", "--bare", "--initial-branch=main", path.path])
        var random = Generator(state: 42)
        let letters = Array("abcdefghijklmnopqrstuvwxyz_".utf8)
        let words: [[UInt8]] = (0..<5000).map { _ in (0..<random.between(2, 10)).map { _ in letters[random.below(letters.count)] } }
        func size() -> Int {
            let draw = random.unit()
            if draw < 0.70 { return random.between(200, 1500) }
            if draw < 0.95 { return random.between(1500, 5000) }
            if draw < 0.995 { return random.between(5000, 20000) }
            return random.between(20000, 150_000)
        }
        func content(_ size: Int) -> [UInt8] {
            var text: [UInt8] = []
            text.reserveCapacity(size + 128)
            while text.count < size {
                text.append(contentsOf: [UInt8](repeating: 32, count: 4 * random.below(4)))
                for word in 0..<random.between(3, 12) {
                    if word > 0 { text.append(32) }
                    text.append(contentsOf: words[random.below(words.count)])
                }
                text.append(10)
            }
            return Array(text.prefix(size))
        }
        let extensions = ["swift", "c", "h", "md", "json", "txt", "py"]
        let paths = (0..<files).map { index in
            "pkg\(index % 12)/area\((index / 12) % 10)/mod\((index / 120) % 13)/f\(index).\(extensions[index % extensions.count])"
        }
        var stream = Data()
        func add(_ text: String) { stream.append(contentsOf: Array(text.utf8)) }
        func file(_ path: String, _ bytes: [UInt8]) {
            add("M 100644 inline \(path)\ndata \(bytes.count)\n")
            stream.append(contentsOf: bytes)
            add("\n")
        }
        let time = 1_700_000_000
        for number in 1...max(1, commits) {
            add("commit refs/heads/main\nmark :\(number)\ncommitter Fixture <fixture@example.com> \(time + number) +0000\n")
            let message = "commit \(number)"
            add("data \(message.utf8.count)\n\(message)\n")
            if number == 1 {
                for path in paths { file(path, content(size())) }
            } else {
                for _ in 0..<random.between(1, 4) { file(paths[random.below(paths.count)], content(size())) }
            }
        }
        try GitFixture.git(["--git-dir=\(path.path)", "fast-import", "--quiet"], input: stream)
    }
}
