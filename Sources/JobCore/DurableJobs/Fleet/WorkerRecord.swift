public import Foundation

/// A worker process as the store keeps it: the worker registry that `jobctl workers` and
/// `GET /v1/workers` list. A ``Worker`` announces itself when it starts and at every heartbeat;
/// one not seen for three of its heartbeat intervals is ``State/gone``.
public struct WorkerRecord: Sendable, Hashable, Codable {
    /// Where a worker is in its life.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Claiming and running jobs.
        case active
        /// Asked to stop claiming (``JobStore/drainWorker(_:)``): it finishes what it runs, then exits.
        case draining
        /// Stopped, or not seen for three heartbeat intervals.
        case gone
    }

    /// The worker id (``Worker/Configuration/workerID``), the holder name of its leases.
    public var id: String
    /// The host it runs on.
    public var host: String
    /// Its process id on that host.
    public var pid: Int
    /// The version of JobCore it runs.
    public var version: String
    /// The queue it claims from.
    public var queue: String
    /// The capabilities it declared, sorted.
    public var capabilities: [String]
    /// The labels it declared (`zone=eu`).
    public var labels: [String: String]
    /// How many jobs it runs at once (its concurrency).
    public var seats: Int
    /// How many attempts it ran when it last announced itself.
    public var load: Int
    /// Its state, as of the time the store read it.
    public var state: State
    /// When this process first announced itself.
    public var startedAt: Date
    /// When it last announced itself.
    public var lastSeenAt: Date
    /// How often it announces itself, in seconds.
    public var heartbeatIntervalSeconds: Double

    /// Creates a record.
    public init(
        id: String, host: String, pid: Int, version: String, queue: String, capabilities: [String], labels: [String: String],
        seats: Int, load: Int, state: State, startedAt: Date, lastSeenAt: Date, heartbeatIntervalSeconds: Double
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.version = version
        self.queue = queue
        self.capabilities = capabilities
        self.labels = labels
        self.seats = seats
        self.load = load
        self.state = state
        self.startedAt = startedAt
        self.lastSeenAt = lastSeenAt
        self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
    }

    /// How many heartbeat intervals a worker may stay silent before it counts as gone.
    public static let silentIntervalsBeforeGone = 3.0

    /// The state a store reports for a worker whose stored state is `stored`: ``State/gone`` once
    /// it has been silent for ``silentIntervalsBeforeGone`` heartbeat intervals.
    @_spi(JobStoreImplementation)
    public static func observedState(stored: State, lastSeenAt: Date, heartbeatIntervalSeconds: Double, now: Date) -> State {
        if stored == .gone { return .gone }
        let silence = now.timeIntervalSince(lastSeenAt)
        return silence > max(heartbeatIntervalSeconds, 0.001) * silentIntervalsBeforeGone ? .gone : stored
    }
}

/// What a worker tells the store about itself when it starts and at every heartbeat
/// (`JobStore.announce(_:)`).
public struct WorkerAnnouncement: Sendable, Hashable {
    /// The worker id.
    public var id: String
    /// The host it runs on. Defaults to this host's name.
    public var host: String
    /// Its process id. Defaults to this process's.
    public var pid: Int
    /// The version of JobCore it runs. Defaults to `JobCoreVersion.current`.
    public var version: String
    /// The queue it claims from.
    public var queue: String
    /// The capabilities it has (``FleetNames/capabilityProblem(_:)`` names the rules).
    public var capabilities: Set<String>
    /// Its labels.
    public var labels: [String: String]
    /// How many jobs it runs at once.
    public var seats: Int
    /// How many attempts it runs now.
    public var load: Int
    /// How often it announces itself.
    public var heartbeatInterval: Duration

    /// Creates an announcement.
    public init(
        id: String, host: String = WorkerAnnouncement.currentHost, pid: Int = Int(ProcessInfo.processInfo.processIdentifier),
        version: String = JobCoreVersion.current, queue: String, capabilities: Set<String> = [], labels: [String: String] = [:],
        seats: Int, load: Int = 0, heartbeatInterval: Duration
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.version = version
        self.queue = queue
        self.capabilities = capabilities
        self.labels = labels
        self.seats = seats
        self.load = load
        self.heartbeatInterval = heartbeatInterval
    }

    /// This host's name, read once (Foundation may resolve it, which a heartbeat should not wait for).
    public static let currentHost = ProcessInfo.processInfo.hostName

    /// The heartbeat interval in seconds, as stores keep it.
    public var heartbeatIntervalSeconds: Double { heartbeatInterval.timeInterval }
}

/// What the store asks of a worker that announced itself.
public enum WorkerDirective: Sendable, Hashable {
    /// Go on.
    case run
    /// Stop claiming, finish the running attempts and exit (``JobStore/drainWorker(_:)``).
    case drain
}

/// The version of JobCore, as workers report it in the registry.
public enum JobCoreVersion {
    /// This build's version.
    public static let current = "0.9.0"
}

/// The rules for the names of capabilities and labels.
public enum FleetNames {
    /// The most capabilities a worker declares or a job requires.
    public static let maxCapabilities = 32
    /// The most labels a worker or a job carries.
    public static let maxLabels = 32

    /// Why `name` is not a capability name, or `nil` when it is one: lowercase
    /// `[a-z0-9][a-z0-9._:-]*`, at most 64 characters (`gpu`, `engine:claude`).
    public static func capabilityProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return "a capability name has 1 to 64 characters: \(quoted(name))" }
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"): !first
            default: false
            }
        }
        for (index, byte) in bytes.enumerated() where !allowed(byte, first: index == 0) {
            return "a capability name is lowercase letters, digits and . _ : - (starting with a letter or digit): \(quoted(name))"
        }
        return nil
    }

    /// Why `key=value` is not a label, or `nil` when it is one: a key of 1 to 63 characters
    /// `[A-Za-z0-9][A-Za-z0-9._/-]*`, a value of at most 256 characters without control characters.
    public static func labelProblem(key: String, value: String) -> String? {
        let bytes = Array(key.utf8)
        let keyIsValid = !bytes.isEmpty && bytes.count <= 63 && bytes.enumerated().allSatisfy { index, byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: "-"): index > 0
            default: false
            }
        }
        guard keyIsValid else { return "a label key is 1 to 63 letters, digits and . _ / - (starting with a letter or digit): \(quoted(key))" }
        guard value.count <= 256, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "the value of label \(key) must have at most 256 characters and no control characters"
        }
        return nil
    }

    private static func quoted(_ text: String) -> String {
        "\"\(text.prefix(80).unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "?" }.joined())\""
    }
}

extension WorkerRecord {
    /// The stored record after `announcement` (the rule of `JobStore.announce(_:)`): a new
    /// process (no record, another host or pid, or a withdrawn record) starts active now; a
    /// draining one stays draining.
    @_spi(JobStoreImplementation)
    public static func announced(_ announcement: WorkerAnnouncement, previous: WorkerRecord?, now: Date) -> WorkerRecord {
        let continues = previous.map { $0.state != .gone && $0.host == announcement.host && $0.pid == announcement.pid } ?? false
        return WorkerRecord(
            id: announcement.id, host: announcement.host, pid: announcement.pid, version: announcement.version,
            queue: announcement.queue, capabilities: announcement.capabilities.sorted(), labels: announcement.labels,
            seats: announcement.seats, load: announcement.load,
            state: continues && previous?.state == .draining ? .draining : .active,
            startedAt: continues ? previous?.startedAt ?? now : now, lastSeenAt: now,
            heartbeatIntervalSeconds: announcement.heartbeatIntervalSeconds
        )
    }

    /// This stored record with its state as of `now`.
    @_spi(JobStoreImplementation)
    public func observed(at now: Date) -> WorkerRecord {
        var record = self
        record.state = Self.observedState(stored: state, lastSeenAt: lastSeenAt, heartbeatIntervalSeconds: heartbeatIntervalSeconds, now: now)
        return record
    }
}

/// How stores keep a worker's capabilities and labels: JSON text (a sorted array, an object with
/// sorted keys). Reading is lenient: a worker's row is rewritten at its next heartbeat, so text
/// that does not decode (written by hand) reads as empty rather than hiding the whole registry.
@_spi(JobStoreImplementation)
public enum WorkerColumns {
    public static func text(capabilities: Set<String>) -> String { json(capabilities.sorted()) }
    public static func text(labels: [String: String]) -> String { json(labels) }
    public static func capabilities(_ text: String?) -> [String] { decode(text) ?? [] }
    public static func labels(_ text: String?) -> [String: String] { decode(text) ?? [:] }

    private static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings in arrays and objects always encode.
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    private static func decode<T: Decodable>(_ text: String?) -> T? {
        text.flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }
}
