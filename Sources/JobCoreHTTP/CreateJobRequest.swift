import Foundation
import JobCore
import JobCoreJSON

/// The body of `POST /v1/jobs`: a command job, with the fields of `jobctl enqueue` under the
/// names `jobctl show --json` uses for them, or a job of a kind the embedder allowed
/// (``JobCoreAPI/Configuration/allow(_:)``): `kind` and `payload` with the same options.
/// Unknown fields and wrong types are refused by name.
struct CreateJobRequest {
    /// The fields that describe a command job.
    static let commandFields: Set<String> = [
        "command", "repository", "ref", "depth", "branch", "environment", "push", "commitMessage", "installationID",
        "tokenEnvironmentVariable", "correlationID", "checkpoints",
    ]
    /// The options of any job.
    static let optionFields: Set<String> = [
        "queue", "key", "priority", "runAt", "maxAttempts", "timeoutSeconds", "idempotencyKey", "dependsOn", "dependencyMode",
    ]
    /// Every field the body may have.
    static let fields: Set<String> = commandFields.union(optionFields).union(["kind", "payload"])

    /// The attempts of a job whose body does not say (as `jobctl enqueue`).
    static let defaultAttempts = 3
    /// The time limit of one attempt when the body does not say (as `jobctl enqueue`): one hour.
    static let defaultTimeoutSeconds = 3600.0

    let fields: [String: JSONValue]

    /// Parses the body: a JSON object.
    init(body: Data) throws {
        guard !body.isEmpty else { throw APIError.invalid("the body must be a JSON object describing the job") }
        guard let document = JSONValue(data: body) else { throw APIError.invalid("the body is not valid JSON") }
        guard case .object(let fields) = document else { throw APIError.invalid("the body must be a JSON object") }
        if let unknown = fields.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw APIError.invalid("unknown field \(QueryParameters.quoted(unknown)); known: \(Self.fields.sorted().joined(separator: ", "))")
        }
        self.fields = fields
    }

    /// The job to enqueue, checked as `jobctl enqueue` checks it.
    /// - Parameters:
    ///   - configuration: how repositories are resolved and whether local paths are allowed.
    ///   - now: for the defaults that depend on it.
    func makeJob(configuration: JobCoreAPI.Configuration) throws -> NewJob {
        let kind = try string("kind") ?? CommandJob.kind.name
        guard kind == CommandJob.kind.name else { return try makeJob(ofKind: kind, configuration: configuration) }
        if fields["payload"] != nil {
            throw APIError.invalid("'payload' is for jobs of other kinds than command; a command job is described by its fields")
        }
        guard let command = try strings("command"), !command.isEmpty else {
            throw APIError.invalid("'command' must be a non-empty array of strings")
        }
        let repository = try string("repository").map { text in
            let source = try RepositorySource.parse(text, resolution: configuration.repositoryResolution)
            if source.isLocal, !configuration.allowsLocalRepositories {
                throw APIError.invalid("'repository' is a local path, which this server does not allow; give an https URL or owner/repo")
            }
            return source
        }
        let job = CommandJob(
            command: command, repository: repository, ref: try string("ref"), depth: try integer("depth") ?? 1,
            branch: try string("branch"), environment: try stringMap("environment") ?? [:], push: try boolean("push") ?? false,
            commitMessage: try string("commitMessage"), installationID: try string("installationID"),
            tokenEnvironmentVariable: try string("tokenEnvironmentVariable"),
            correlationID: try string("correlationID") ?? UUID().uuidString.lowercased(),
            checkpoints: try checkpoints()
        )
        try job.validate()
        return NewJob(kind: CommandJob.kind.name, payload: try JSONEncoder().encode(job), options: try options())
    }

    /// A job of a kind the embedder allowed: its payload checked (and written) by the kind's own
    /// type, as `DurableJobQueue.enqueue` writes it.
    private func makeJob(ofKind kind: String, configuration: JobCoreAPI.Configuration) throws -> NewJob {
        guard let encode = configuration.creatableKinds[kind] else {
            let known = ([CommandJob.kind.name] + configuration.creatableKinds.keys.sorted()).joined(separator: ", ")
            throw APIError.invalid("this server does not create jobs of kind \(QueryParameters.quoted(kind)); it creates: \(known)")
        }
        if let field = fields.keys.sorted().first(where: Self.commandFields.contains) {
            throw APIError.invalid("'\(field)' describes a command job, not a job of kind \(QueryParameters.quoted(kind))")
        }
        guard let payload = fields["payload"] else { throw APIError.invalid("a job of kind \(QueryParameters.quoted(kind)) needs a 'payload'") }
        let data: Data
        do {
            data = try encode(try JSONEncoder().encode(payload))
        } catch {
            throw APIError.invalid("'payload' is not a valid \(QueryParameters.quoted(kind)) payload: \(Self.describe(error))")
        }
        return NewJob(kind: kind, payload: data, options: try options())
    }

    /// What a payload's decoding error says, without the values it saw.
    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "the field '\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            "\(context.codingPath.isEmpty ? "it" : "'" + context.codingPath.map(\.stringValue).joined(separator: ".") + "'") has the wrong type or value"
        default: "it does not decode"
        }
    }

    /// The options of the job, as `jobctl enqueue` takes them.
    private func options() throws -> JobOptions {
        let priority = try integer("priority") ?? 0
        guard (-1_000_000...1_000_000).contains(priority) else { throw APIError.invalid("'priority' must be within ±1000000") }
        let key = try string("key")
        if let key, key.isEmpty { throw APIError.invalid("'key' is empty") }
        let options = JobOptions(
            queue: try string("queue") ?? JobOptions.defaultQueue, key: key, priority: priority, runAt: try date("runAt"),
            maxAttempts: try integer("maxAttempts") ?? Self.defaultAttempts,
            timeout: try seconds("timeoutSeconds", limit: JobOptions.maximumTimeout) ?? .seconds(Self.defaultTimeoutSeconds),
            idempotencyKey: try string("idempotencyKey"), dependsOn: try jobIDs("dependsOn"),
            dependencyMode: try dependencyMode()
        )
        return options
    }

    // MARK: Fields by type

    private func string(_ name: String, in fields: [String: JSONValue]? = nil) throws -> String? {
        switch (fields ?? self.fields)[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw APIError.invalid("'\(name)' must be a string")
        }
    }

    private func integer(_ name: String) throws -> Int? {
        switch fields[name] {
        case nil, .null?: return nil
        case .integer(let value)? where value >= Int64(Int32.min) && value <= Int64(Int32.max): return Int(value)
        default: throw APIError.invalid("'\(name)' must be a whole number")
        }
    }

    private func boolean(_ name: String, in fields: [String: JSONValue]? = nil) throws -> Bool? {
        switch (fields ?? self.fields)[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw APIError.invalid("'\(name)' must be true or false")
        }
    }

    private func strings(_ name: String) throws -> [String]? {
        switch fields[name] {
        case nil, .null?: return nil
        case .array(let values)?:
            return try values.map { value in
                guard case .string(let text) = value else { throw APIError.invalid("'\(name)' must be an array of strings") }
                return text
            }
        default: throw APIError.invalid("'\(name)' must be an array of strings")
        }
    }

    private func stringMap(_ name: String) throws -> [String: String]? {
        switch fields[name] {
        case nil, .null?: return nil
        case .object(let values)?:
            return try values.mapValues { value in
                guard case .string(let text) = value else { throw APIError.invalid("'\(name)' must be an object of strings") }
                return text
            }
        default: throw APIError.invalid("'\(name)' must be an object of strings")
        }
    }

    /// A positive number of seconds up to `limit`.
    private func seconds(_ name: String, in fields: [String: JSONValue]? = nil, limit: Duration) throws -> Duration? {
        let value: Double
        switch (fields ?? self.fields)[name] {
        case nil, .null?: return nil
        case .integer(let number)?: value = Double(number)
        case .number(let number)?: value = number
        default: throw APIError.invalid("'\(name)' must be a number of seconds")
        }
        guard value > 0, value <= limit.timeInterval else {
            throw APIError.invalid("'\(name)' must be more than 0 and at most \(Int(limit.timeInterval)) seconds")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    private func date(_ name: String) throws -> Date? {
        guard let text = try string(name) else { return nil }
        guard let date = ISO8601.date(text) else {
            throw APIError.invalid("'\(name)' must be an ISO-8601 time such as 2026-01-31T12:00:00Z")
        }
        return date
    }

    private func jobIDs(_ name: String) throws -> [JobID] {
        try (strings(name) ?? []).map { text in
            guard JobID.isWellFormed(text) else { throw APIError.invalid("'\(name)' holds \(QueryParameters.quoted(text)), which is not a job id") }
            return JobID(text)
        }
    }

    private func dependencyMode() throws -> DependencyMode {
        guard let text = try string("dependencyMode") else { return .succeeded }
        guard let mode = DependencyMode(rawValue: text) else { throw APIError.invalid("'dependencyMode' must be succeeded or finished") }
        return mode
    }

    private func checkpoints() throws -> CommandJob.Checkpoints? {
        switch fields["checkpoints"] {
        case nil, .null?:
            return nil
        case .object(let object)?:
            if let unknown = object.keys.sorted().first(where: { !["intervalSeconds", "branch", "keep"].contains($0) }) {
                throw APIError.invalid("unknown field \(QueryParameters.quoted(unknown)) in 'checkpoints'; known: branch, intervalSeconds, keep")
            }
            guard let interval = try seconds("intervalSeconds", in: object, limit: JobOptions.maximumTimeout) else {
                throw APIError.invalid("'checkpoints' needs 'intervalSeconds'")
            }
            return CommandJob.Checkpoints(
                interval: interval, branch: try string("branch", in: object), keep: try boolean("keep", in: object) ?? false
            )
        default:
            throw APIError.invalid("'checkpoints' must be an object")
        }
    }
}

/// ISO-8601 times as clients write them: with or without fractional seconds.
enum ISO8601 {
    static func date(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
