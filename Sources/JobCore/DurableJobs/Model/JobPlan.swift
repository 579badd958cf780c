/// A graph of jobs enqueued in one transaction: each job has a name local to the plan and may
/// depend on others of the plan by name (in any order of the list) as well as on stored jobs
/// (``JobOptions/dependsOn``). ``DurableJobQueue/submit(_:)`` creates all of them or none.
public struct JobPlan: Sendable, Hashable {
    /// One job of the plan.
    public struct Job: Sendable, Hashable {
        /// Its name in the plan: unique, not empty.
        public var name: String
        /// The job; its ``JobOptions/dependencyMode`` applies to the plan's dependencies too.
        public var job: NewJob
        /// Names of jobs of the plan that must end first.
        public var dependsOn: [String]

        /// Creates a job of a plan.
        public init(name: String, job: NewJob, dependsOn: [String] = []) {
            self.name = name
            self.job = job
            self.dependsOn = dependsOn
        }
    }

    /// The jobs, in the order their ids are made when nothing orders them otherwise.
    public var jobs: [Job]

    /// Creates a plan.
    public init(jobs: [Job]) {
        self.jobs = jobs
    }

    /// The most jobs one plan may hold: 10,000.
    public static let maximumJobs = 10_000

    /// The plan as one enqueue batch: every job after the jobs it depends on (the plan's order
    /// otherwise), their dependencies as ``NewJob/dependsOnEarlierEntries``.
    /// - Returns: the batch and, for each entry of it, the plan job's name.
    /// - Throws: `invalidArgument` naming the offending job: an empty or repeated name, a
    ///   dependency on a name the plan does not have, on itself, or a cycle.
    public func batch() throws(JobStoreError) -> (jobs: [NewJob], names: [String]) {
        guard !jobs.isEmpty else { throw JobStoreError(.invalidArgument, "the plan has no jobs") }
        guard jobs.count <= Self.maximumJobs else { throw JobStoreError(.invalidArgument, "a plan may hold at most \(Self.maximumJobs) jobs") }
        var position: [String: Int] = [:]
        for (index, job) in jobs.enumerated() {
            guard !job.name.isEmpty else { throw JobStoreError(.invalidArgument, "job \(index + 1) of the plan has no name") }
            guard position[job.name] == nil else { throw JobStoreError(.invalidArgument, "plan job '\(job.name)': the name is used twice") }
            position[job.name] = index
        }
        for job in jobs {
            for name in job.dependsOn {
                guard name != job.name else { throw JobStoreError(.invalidArgument, "plan job '\(job.name)' depends on itself") }
                guard position[name] != nil else {
                    throw JobStoreError(.invalidArgument, "plan job '\(job.name)' depends on '\(name)', which is not in the plan")
                }
            }
        }
        // Kahn's algorithm, taking the earliest ready job of the plan each time.
        var waitingFor = jobs.map { Set($0.dependsOn).count }
        var dependents = Array(repeating: [Int](), count: jobs.count)
        for (index, job) in jobs.enumerated() {
            for name in Set(job.dependsOn) { dependents[position[name]!].append(index) }
        }
        var ready = Set(jobs.indices.filter { waitingFor[$0] == 0 })
        var order: [Int] = []
        while let next = ready.min() {
            ready.remove(next)
            order.append(next)
            for dependent in dependents[next] {
                waitingFor[dependent] -= 1
                if waitingFor[dependent] == 0 { ready.insert(dependent) }
            }
        }
        guard order.count == jobs.count else {
            throw JobStoreError(.invalidArgument, "the plan has a cycle: \(cycle(position: position))")
        }
        var entry: [String: Int] = [:]
        for (batchIndex, planIndex) in order.enumerated() { entry[jobs[planIndex].name] = batchIndex }
        let batch = order.map { planIndex in
            var new = jobs[planIndex].job
            new.dependsOnEarlierEntries += Array(Set(jobs[planIndex].dependsOn)).map { entry[$0]! }.sorted()
            return new
        }
        return (batch, order.map { jobs[$0].name })
    }

    /// One cycle of the graph, as `a → b → a`.
    private func cycle(position: [String: Int]) -> String {
        // Walk from any job along its first dependency that is still on a cycle path.
        var state = Array(repeating: 0, count: jobs.count)  // 0 new, 1 on the path, 2 done
        var path: [Int] = []
        func visit(_ index: Int) -> [Int]? {
            state[index] = 1
            path.append(index)
            for name in jobs[index].dependsOn {
                let next = position[name]!
                if state[next] == 1 { return Array(path[path.firstIndex(of: next)!...]) + [next] }
                if state[next] == 0, let found = visit(next) { return found }
            }
            state[index] = 2
            path.removeLast()
            return nil
        }
        for index in jobs.indices where state[index] == 0 {
            if let found = visit(index) { return found.map { jobs[$0].name }.joined(separator: " → ") }
        }
        return "?"
    }
}
