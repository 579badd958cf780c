import Foundation
@_spi(JobStoreImplementation) import JobCore
import Logging
import PostgresNIO

/// Dependencies between jobs: recording a new job's dependencies, and passing a job's end on to
/// the jobs waiting for it, in the transaction that ends it.
extension PostgresJobStore {
    /// A job's end (or purge) to pass on to its dependents.
    struct EndedJob {
        var id: JobID
        var outcome: JobState
        var note: String?
    }

    /// The enqueue changes of `jobs`, recomputed for those with dependencies from their
    /// dependencies' records: stored ones read and locked (in id order) in this transaction, so a
    /// dependency cannot end unseen meanwhile, and earlier jobs of the batch as computed. Throws
    /// `notFound` naming a dependency that does not exist.
    func withDependencies(_ changes: [JobChange], of jobs: [NewJob], on connection: PostgresConnection, now: Date) async throws -> [JobChange] {
        let batch = Set(changes.map(\.after.id))
        let ids = Array(Set(jobs.flatMap(\.options.dependsOn)).subtracting(batch))
        guard jobs.contains(where: { !$0.options.dependsOn.isEmpty }) else { return changes }
        let fetched = try await PostgresJobRows.fetch(ids, lock: true, on: connection, tables: tables, logger: logger)
        var changes = changes
        var earlier: [JobID: JobRecord] = [:]
        for (index, job) in jobs.enumerated() {
            if !job.options.dependsOn.isEmpty {
                let records = job.options.dependsOn.compactMap { earlier[$0] ?? fetched[$0]?.record }
                changes[index] = try JobLifecycle.enqueue(job, id: changes[index].after.id, now: now, dependencies: records)
            }
            earlier[changes[index].after.id] = changes[index].after
        }
        return changes
    }

    /// Records created jobs as dependents of their dependencies.
    func link(_ created: [JobRecord], on connection: PostgresConnection) async throws {
        let linked = created.filter { !$0.dependsOn.isEmpty }
        guard !linked.isEmpty else { return }
        let dependencies = linked.flatMap { job in job.dependsOn.map(\.rawValue) }
        let dependents = linked.flatMap { job in job.dependsOn.map { _ in job.id.rawValue } }
        let t = tables
        try await connection.perform("""
            WITH links AS (
                INSERT INTO \(unescaped: t.dependencies) (dependency_id, job_id)
                SELECT * FROM unnest(\(dependencies)::text[], \(dependents)::text[])
                ON CONFLICT DO NOTHING
            )
            UPDATE \(unescaped: t.jobs) SET has_dependents = true
            WHERE id = ANY(\(Array(Set(dependencies)))::text[]) AND NOT has_dependents
            """, logger: logger)
    }

    /// Adds to `changes` what the ends of jobs in it (and `ended`) do to the jobs waiting for
    /// them, down the graph: the waiting dependents are read and locked in id order, level by
    /// level. A batch in which no ending job has dependents costs nothing.
    func passOn(_ changes: inout PostgresChangeSet, also ended: [EndedJob] = [], on connection: PostgresConnection, now: Date) async throws {
        var ended = ended + changes.changedJobs.compactMap { entry in
            entry.after.hasDependents && entry.after.state.isTerminal && !entry.before.state.isTerminal
                ? EndedJob(id: entry.after.id, outcome: entry.after.state) : nil
        }
        while !ended.isEmpty {
            let level = Dictionary(ended.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            ended = []
            let rows = try await connection.rows("""
                SELECT d.dependency_id, \(unescaped: PostgresJobCodec.selectList("j"))
                FROM \(unescaped: tables.dependencies) d JOIN \(unescaped: tables.jobs) j ON j.id = d.job_id
                WHERE d.dependency_id = ANY(\(level.keys.map(\.rawValue))::text[]) AND j.state = 'waiting'
                ORDER BY j.id FOR UPDATE OF j
                """, logger: logger)
            for row in rows {
                var cells = row.makeIterator()
                guard let dependency = try? cells.next()?.decode(String.self),
                      let end = level[JobID(dependency)],
                      let stored = try? PostgresJobCodec.record(row, from: 1) else { continue }
                let record = changes.current(stored.id) ?? stored
                guard let change = JobLifecycle.dependencyEnded(record, dependency: end.id, outcome: end.outcome, now: now, note: end.note)
                else { continue }
                changes.add(change, now: now)
                if JobLifecycle.endsJob(change), change.after.hasDependents {
                    ended.append(EndedJob(id: change.after.id, outcome: change.after.state))
                }
            }
        }
    }
}
