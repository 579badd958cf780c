public import Foundation
public import JobCore

/// The JSON documents `jobctl … --json` prints and the HTTP API (`JobCoreHTTP`) serves: one
/// encoder and the compositions both use, so that the two never drift apart.
public enum JobJSON {
    /// The encoder of every document: stable camelCase keys sorted, ISO-8601 timestamps,
    /// pretty-printed, slashes unescaped.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// One job as `jobctl show --json` prints it: its record, its runs and how many children it
    /// has in each state.
    /// - Throws: ``JobStoreError`` (`notFound` for an unknown id).
    public static func detailedView(of id: JobID, in store: any JobStore) async throws -> JobView {
        view(of: try await store.detail(id))
    }

    /// The view of a detail read (``JobStore/detail(_:)``), as `jobctl show --json` prints it.
    public static func view(of detail: JobDetail) -> JobView {
        var view = JobView(detail.record, runs: detail.runs)
        if !detail.childCounts.isEmpty {
            view.children = Dictionary(uniqueKeysWithValues: detail.childCounts.map { ($0.rawValue, $1) })
        }
        return view
    }
}
