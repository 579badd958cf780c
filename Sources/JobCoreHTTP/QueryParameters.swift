import Foundation
import Hummingbird
import JobCore

/// The query of a request, read by name with clear errors: an unknown parameter, a repeated
/// single-valued one or a value out of range is a 400 naming it.
struct QueryParameters {
    private let values: [String: [String]]

    /// Reads the query, refusing parameters not in `allowed`.
    init(_ request: Request, allowed: Set<String>) throws {
        var values: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                let known = allowed.isEmpty ? "this route takes no query parameters" : "known: \(allowed.sorted().joined(separator: ", "))"
                throw APIError.invalid("unknown query parameter '\(name)' (\(known))")
            }
            values[name, default: []].append(String(value))
        }
        self.values = values
    }

    /// Every value of a repeatable parameter; a comma separates values too (`state=queued,running`).
    func all(_ name: String) -> [String] {
        (values[name] ?? []).flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The value of a parameter given at most once.
    func string(_ name: String) throws -> String? {
        guard let given = values[name] else { return nil }
        guard given.count == 1 else { throw APIError.invalid("the query parameter '\(name)' is given more than once") }
        return given[0]
    }

    /// A whole number within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.invalid("'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `true` or `false`.
    func boolean(_ name: String) throws -> Bool? {
        guard let text = try string(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError.invalid("'\(name)' must be true or false")
        }
    }

    /// A well-formed job id.
    func jobID(_ name: String) throws -> JobID? {
        guard let text = try string(name) else { return nil }
        guard JobID.isWellFormed(text) else { throw APIError.invalid("'\(name)' is not a job id: \(Self.quoted(text))") }
        return JobID(text)
    }

    /// Job states (repeatable), each one of `JobState`'s names.
    func states(_ name: String) throws -> Set<JobState> {
        Set(try all(name).map { text in
            guard let state = JobState(rawValue: text) else {
                let names = JobState.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.invalid("unknown state \(Self.quoted(text)) in '\(name)': use \(names)")
            }
            return state
        })
    }

    /// A client's value in a message: quoted and cut short.
    static func quoted(_ text: String) -> String {
        "'" + (text.count > 64 ? String(text.prefix(64)) + "…" : text) + "'"
    }
}

extension RouteContext {
    /// The `{id}` of the path, a well-formed job id.
    func jobID() throws -> JobID {
        let text = parameters.get("id") ?? ""
        guard JobID.isWellFormed(text) else { throw APIError.invalid("not a job id: \(QueryParameters.quoted(text))") }
        return JobID(text)
    }
}

extension Request {
    /// The body, at most `limit` bytes (413 beyond).
    func bodyData(limit: Int) async throws -> Data {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, code: "tooLarge", "the request body is larger than \(limit) bytes")
        }
        do {
            return Data(try await body.collect(upTo: limit).readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, code: "tooLarge", "the request body is larger than \(limit) bytes")
        }
    }
}
