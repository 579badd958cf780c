/// How far a clone or fetch has got, phase by phase, as `git clone` reports it: receiving
/// objects, resolving deltas, checking out files.
public struct GitProgress: Sendable, Equatable {
    /// A step of a clone, in the order they happen.
    public enum Phase: String, Sendable, Hashable, Comparable, CaseIterable {
        /// The pack is arriving: ``receivedObjects`` of ``totalObjects``, ``receivedBytes``.
        case receivingObjects
        /// The pack has arrived and its deltas are being resolved: ``indexedDeltas`` of ``totalDeltas``.
        case resolvingDeltas
        /// Files are being written: ``checkedOutFiles`` of ``totalFiles``.
        case checkingOut

        public static func < (lhs: Phase, rhs: Phase) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The current phase.
    public var phase: Phase
    /// Objects received so far.
    public var receivedObjects: Int
    /// Objects the remote announced.
    public var totalObjects: Int
    /// Objects indexed so far.
    public var indexedObjects: Int
    /// Bytes received so far.
    public var receivedBytes: Int
    /// Deltas resolved so far.
    public var indexedDeltas: Int
    /// Deltas in the pack.
    public var totalDeltas: Int
    /// Files written by the checkout so far.
    public var checkedOutFiles: Int
    /// Files the checkout writes.
    public var totalFiles: Int

    public init(
        phase: Phase = .receivingObjects, receivedObjects: Int = 0, totalObjects: Int = 0, indexedObjects: Int = 0,
        receivedBytes: Int = 0, indexedDeltas: Int = 0, totalDeltas: Int = 0, checkedOutFiles: Int = 0, totalFiles: Int = 0
    ) {
        self.phase = phase
        self.receivedObjects = receivedObjects
        self.totalObjects = totalObjects
        self.indexedObjects = indexedObjects
        self.receivedBytes = receivedBytes
        self.indexedDeltas = indexedDeltas
        self.totalDeltas = totalDeltas
        self.checkedOutFiles = checkedOutFiles
        self.totalFiles = totalFiles
    }

    /// Whether the current phase is complete.
    public var isPhaseComplete: Bool {
        switch phase {
        case .receivingObjects: totalObjects > 0 && receivedObjects == totalObjects
        case .resolvingDeltas: indexedDeltas == totalDeltas
        case .checkingOut: checkedOutFiles == totalFiles
        }
    }
}
