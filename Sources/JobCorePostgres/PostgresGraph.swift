import Foundation
@_spi(JobStoreImplementation) import JobCore
import Logging
import PostgresNIO

/// The job graph: recording a new job's dependencies and parent, and following a change through
/// the graph (dependents, parents, children) in the transaction that writes it.
extension PostgresJobStore {
    /// The enqueue changes of `jobs`, recomputed for those with dependencies or a parent of the
    /// batch from those records: stored dependencies read and locked (in id order) in this
    /// transaction, so a dependency cannot end unseen meanwhile, and earlier jobs of the batch as
    /// computed. `children` counts each job's children in the batch. Throws `notFound` naming a
    /// dependency that does not exist.
    func withDependencies(_ changes: [JobChange], of jobs: [NewJob], children: [Int], on connection: PostgresConnection, now: Date) async throws -> [JobChange] {
        let batch = Set(changes.map(\.after.id))
        guard jobs.contains(where: { !$0.options.dependsOn.isEmpty || $0.parent.map { batch.contains($0.id) } == true }) else { return changes }
        let ids = Array(Set(jobs.flatMap(\.options.dependsOn)).subtracting(batch))
        let fetched = try await PostgresJobRows.fetch(ids, lock: true, on: connection, tables: tables, logger: logger)
        var changes = changes
        var earlier: [JobID: JobRecord] = [:]
        for (index, job) in jobs.enumerated() {
            let parent = job.parent.flatMap { earlier[$0.id] }
            if !job.options.dependsOn.isEmpty || parent != nil {
                let records = job.options.dependsOn.compactMap { earlier[$0] ?? fetched[$0]?.record }
                changes[index] = try JobLifecycle.enqueue(
                    job, id: changes[index].after.id, now: now, dependencies: records, children: children[index], parent: parent
                )
            }
            earlier[changes[index].after.id] = changes[index].after
        }
        return changes
    }

    /// The stored parents of `jobs` (not of the batch), read and locked in id order, each
    /// checked to run at its child's epoch. Throws `notFound` for a parent that does not exist,
    /// `staleEpoch` for one whose attempt no longer runs.
    func storedParents(of jobs: [NewJob], batch: Set<JobID>, on connection: PostgresConnection, now: Date) async throws -> [JobID: JobRecord] {
        let parents = jobs.compactMap(\.parent).filter { !batch.contains($0.id) }
        guard !parents.isEmpty else { return [:] }
        let fetched = try await PostgresJobRows.fetch(Array(Set(parents.map(\.id))), lock: true, on: connection, tables: tables, logger: logger)
        var records: [JobID: JobRecord] = [:]
        for parent in parents {
            guard let record = fetched[parent.id]?.record else {
                throw JobStoreError(.notFound, "parent \(parent.id) does not exist", jobID: parent.id)
            }
            _ = try JobLifecycle.childrenAdded(record, count: 1, epoch: parent.epoch, now: now)
            records[parent.id] = record
        }
        return records
    }

    /// Records created jobs as dependents of their dependencies and children of their stored
    /// parents, and follows the jobs created ended (cancelled by a dependency) through the graph.
    /// Returns the jobs this changed.
    func link(
        _ created: [JobChange], of jobs: [NewJob], parents: [JobID: JobRecord], on connection: PostgresConnection, now: Date
    ) async throws -> [JobID: JobRecord] {
        let linked = created.map(\.after).filter { !$0.dependsOn.isEmpty }
        if !linked.isEmpty {
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
        var changes = PostgresChangeSet()
        var added: [JobID: Int] = [:]
        for change in created {
            if let parent = change.after.parentID, parents[parent] != nil { added[parent, default: 0] += 1 }
        }
        for (id, count) in added.sorted(by: { $0.key < $1.key }) {
            let epoch = jobs.first { $0.parent?.id == id }?.parent?.epoch
            changes.add(try JobLifecycle.childrenAdded(parents[id]!, count: count, epoch: epoch, now: now), now: now)
        }
        let ended = created.filter { $0.after.state.isTerminal }.compactMap(JobLifecycle.graphStep)
        guard !changes.isEmpty || !ended.isEmpty else { return [:] }
        try await follow(&changes, also: ended, on: connection, now: now)
        try await write(changes, on: connection, now: now)
        return Dictionary(changes.changedJobs.map { ($0.after.id, $0.after) }, uniquingKeysWith: { _, last in last })
    }

    /// Adds to `changes` what its changes (and `steps`) do to the rest of the graph, level by
    /// level until nothing is left: waiting dependents of jobs that ended, parents of jobs that
    /// ended or came back, unfinished children of jobs cancelled. The rows are read and locked
    /// in id order per level. A change set of jobs without dependents, parent or children costs
    /// nothing.
    func follow(_ changes: inout PostgresChangeSet, also steps: [JobLifecycle.GraphStep] = [], on connection: PostgresConnection, now: Date) async throws {
        var level = steps + changes.changedJobs.compactMap { JobLifecycle.graphStep(from: $0.before, to: $0.after) }
        while !level.isEmpty {
            var next: [JobLifecycle.GraphStep] = []
            func add(_ change: JobChange) {
                changes.add(change, now: now)
                if let step = JobLifecycle.graphStep(change) { next.append(step) }
            }
            let ended = Dictionary(level.filter(\.passesToDependents).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            if !ended.isEmpty {
                for (dependency, stored) in try await rows("""
                    SELECT d.dependency_id, \(unescaped: PostgresJobCodec.selectList("j"))
                    FROM \(unescaped: tables.dependencies) d JOIN \(unescaped: tables.jobs) j ON j.id = d.job_id
                    WHERE d.dependency_id = ANY(\(ended.keys.map(\.rawValue))::text[]) AND j.state = 'waiting'
                    ORDER BY j.id FOR UPDATE OF j
                    """, on: connection) {
                    guard let step = ended[dependency], let outcome = step.ended else { continue }
                    let record = changes.current(stored.id) ?? stored
                    if let change = JobLifecycle.dependencyEnded(record, dependency: step.id, outcome: outcome, now: now, note: step.note) { add(change) }
                }
            }
            let toParents = level.filter(\.passesToParent)
            if !toParents.isEmpty {
                let parents = try await PostgresJobRows.fetch(
                    Array(Set(toParents.compactMap(\.parentID))), lock: true, on: connection, tables: tables, logger: logger
                )
                for step in toParents {
                    guard let parentID = step.parentID, let stored = parents[parentID]?.record else { continue }
                    let parent = changes.current(parentID) ?? stored
                    if let outcome = step.ended,
                       let change = JobLifecycle.childEnded(parent, child: step.id, outcome: outcome, now: now, note: step.note) {
                        add(change)
                    } else if let previous = step.revived,
                              let change = JobLifecycle.childRetried(parent, child: step.id, previous: previous, now: now) {
                        add(change)
                    }
                }
            }
            let cancelling = Dictionary(level.compactMap { step in step.cancelChildren.map { (step.id, $0) } }, uniquingKeysWith: { first, _ in first })
            if !cancelling.isEmpty {
                for (parent, stored) in try await rows("""
                    SELECT parent_id, \(unescaped: PostgresJobCodec.selectList())
                    FROM \(unescaped: tables.jobs)
                    WHERE parent_id = ANY(\(cancelling.keys.map(\.rawValue))::text[]) AND state IN ('waiting', 'queued', 'running')
                    ORDER BY id FOR UPDATE
                    """, on: connection) {
                    guard let (reason, mode) = cancelling[parent] else { continue }
                    let record = changes.current(stored.id) ?? stored
                    if let change = JobLifecycle.cancelledWithParent(record, reason: reason, mode: mode, now: now) { add(change) }
                }
            }
            level = next
        }
    }

    /// Rows of a job id and the job columns, decoded (undecodable rows are skipped: validation
    /// quarantines them).
    private func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [(JobID, JobRecord)] {
        var result: [(JobID, JobRecord)] = []
        for row in try await connection.rows(query, logger: logger) {
            var cells = row.makeIterator()
            guard let id = try? cells.next()?.decode(String.self), let record = try? PostgresJobCodec.record(row, from: 1) else { continue }
            result.append((JobID(id), record))
        }
        return result
    }
}
