public import Foundation

/// Where a job's work stood when an attempt last saved it: a commit of the work in progress on a
/// branch of the job's repository. The next attempt of the job (after a crash, a lost lease, a
/// release at shutdown, a timeout or a retry) receives it in ``JobContext/checkpoint`` and can
/// resume from there instead of from the start.
public struct JobCheckpoint: Codable, Sendable, Hashable {
    /// The branch that holds the work in progress (``CommandJob`` uses `jobcore/wip/JOB_ID`).
    public var wipBranch: String
    /// The commit the job's work started from.
    public var wipBase: String
    /// The commit of the work in progress, at the tip of ``wipBranch`` when it was saved.
    public var wipCommit: String
    /// A small note for the next attempt (at most ``maximumNoteSize`` bytes), e.g. a step number.
    public var note: String?
    /// The epoch of the attempt that saved it (filled in by the store).
    public var epoch: Int64
    /// When it was saved (filled in by the store).
    public var savedAt: Date

    /// The largest note: 4 KiB.
    public static let maximumNoteSize = 4096

    /// Describes a checkpoint to save; the store fills in the epoch and the time.
    public init(wipBranch: String, wipBase: String, wipCommit: String, note: String? = nil) {
        self.wipBranch = wipBranch
        self.wipBase = wipBase
        self.wipCommit = wipCommit
        self.note = note
        self.epoch = 0
        self.savedAt = Date(timeIntervalSince1970: 0)
    }

    /// The checkpoint as a store keeps it: JSON.
    @_spi(JobStoreImplementation)
    public var storedText: String {
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A checkpoint read back from ``storedText``; `nil` when the text is not one.
    @_spi(JobStoreImplementation)
    public init?(storedText: String) {
        guard let checkpoint = try? JSONDecoder().decode(JobCheckpoint.self, from: Data(storedText.utf8)) else { return nil }
        self = checkpoint
    }

    /// Whether `text` is a full commit id (40 or 64 lowercase hexadecimal digits).
    static func isCommitID(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64) && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
