/// A graph of jobs enqueued in one transaction: each job has a name local to the plan and may
/// depend on others of the plan by name (in any order of the list) as well as on stored jobs
/// (``JobOptions/dependsOn``), and may have children (a parent ends with them; a
/// ``NewJob/group(options:)`` exists only to hold them). ``DurableJobQueue/submit(_:)`` creates
/// all of them or none.
public struct JobPlan: Sendable, Hashable {
    /// One job of the plan.
    public struct Job: Sendable, Hashable {
        /// Its name in the plan: unique in the whole plan, not empty.
        public var name: String
        /// The job; its ``JobOptions/dependencyMode`` applies to the plan's dependencies too.
        public var job: NewJob
        /// Names of jobs of the plan that must end first.
        public var dependsOn: [String]
        /// Its children: the job ends only after they all have ended, and fails if one of
        /// them did not succeed. They wait for the job's dependencies too.
        public var children: [Job]

        /// Creates a job of a plan.
        public init(name: String, job: NewJob, dependsOn: [String] = [], children: [Job] = []) {
            self.name = name
            self.job = job
            self.dependsOn = dependsOn
            self.children = children
        }
    }

    /// The jobs at the top of the plan, in the order their ids are made when nothing orders
    /// them otherwise.
    public var jobs: [Job]

    /// Creates a plan.
    public init(jobs: [Job]) {
        self.jobs = jobs
    }

    /// The most jobs one plan may hold, children included: 10,000.
    public static let maximumJobs = 10_000

    /// The plan as one enqueue batch: every job after the jobs it depends on and after its
    /// parent (the plan's order otherwise), their dependencies as
    /// ``NewJob/dependsOnEarlierEntries`` and their parents as ``NewJob/parentEntry``.
    /// - Returns: the batch and, for each entry of it, the plan job's name.
    /// - Throws: `invalidArgument` naming the offending job: an empty or repeated name, a
    ///   dependency on a name the plan does not have, on itself, a cycle, a job that would wait
    ///   for itself through its children, a group without children.
    public func batch() throws(JobStoreError) -> (jobs: [NewJob], names: [String]) {
        // The tree, flattened parent first.
        var flat: [(job: Job, parent: Int?)] = []
        func flatten(_ jobs: [Job], parent: Int?) {
            for job in jobs {
                flat.append((job, parent))
                flatten(job.children, parent: flat.count - 1)
            }
        }
        flatten(jobs, parent: nil)
        guard !flat.isEmpty else { throw JobStoreError(.invalidArgument, "the plan has no jobs") }
        guard flat.count <= Self.maximumJobs else { throw JobStoreError(.invalidArgument, "a plan may hold at most \(Self.maximumJobs) jobs") }
        var position: [String: Int] = [:]
        for (index, entry) in flat.enumerated() {
            let name = entry.job.name
            guard !name.isEmpty else { throw JobStoreError(.invalidArgument, "job \(index + 1) of the plan has no name") }
            guard position[name] == nil else { throw JobStoreError(.invalidArgument, "plan job '\(name)': the name is used twice") }
            position[name] = index
            if entry.job.job.kind == NewJob.groupKind, entry.job.children.isEmpty {
                throw JobStoreError(.invalidArgument, "plan job '\(name)' is a group without children")
            }
        }
        for entry in flat {
            for name in entry.job.dependsOn {
                guard name != entry.job.name else { throw JobStoreError(.invalidArgument, "plan job '\(entry.job.name)' depends on itself") }
                guard position[name] != nil else {
                    throw JobStoreError(.invalidArgument, "plan job '\(entry.job.name)' depends on '\(name)', which is not in the plan")
                }
            }
        }
        let dependencies = flat.map { Array(Set($0.job.dependsOn.map { position[$0]! })).sorted() }
        var children = Array(repeating: [Int](), count: flat.count)
        for (index, entry) in flat.enumerated() { if let parent = entry.parent { children[parent].append(index) } }
        let names = flat.map(\.job.name)
        // A job ends after its dependencies (it starts after them) and after its children.
        if let cycle = Self.cycle(dependencies.indices.map { dependencies[$0] + children[$0] }) {
            let throughChild = zip(cycle, cycle.dropFirst()).contains { children[$0].contains($1) }
            throw JobStoreError(.invalidArgument, "the plan has a cycle: \(cycle.map { names[$0] }.joined(separator: " → "))"
                + (throughChild ? " (a parent ends only after its children)" : ""))
        }
        // Created after its dependencies and after its parent.
        let order = Self.order(dependencies.indices.map { dependencies[$0] + (flat[$0].parent.map { [$0] } ?? []) })
        guard order.count == flat.count else {
            let cycle = Self.cycle(dependencies.indices.map { dependencies[$0] + (flat[$0].parent.map { [$0] } ?? []) }) ?? []
            throw JobStoreError(.invalidArgument, "the plan has a cycle: \(cycle.map { names[$0] }.joined(separator: " → ")) (a job cannot depend on its own child)")
        }
        var entry = Array(repeating: 0, count: flat.count)
        for (batchIndex, planIndex) in order.enumerated() { entry[planIndex] = batchIndex }
        let batch = order.map { planIndex in
            var new = flat[planIndex].job.job
            new.dependsOnEarlierEntries += dependencies[planIndex].map { entry[$0] }.sorted()
            new.parentEntry = flat[planIndex].parent.map { entry[$0] }
            return new
        }
        return (batch, order.map { names[$0] })
    }

    /// The indices in an order where each comes after its predecessors (Kahn's algorithm,
    /// taking the earliest ready index each time); shorter than the graph when it has a cycle.
    private static func order(_ predecessors: [[Int]]) -> [Int] {
        var waitingFor = predecessors.map(\.count)
        var successors = Array(repeating: [Int](), count: predecessors.count)
        for (index, before) in predecessors.enumerated() { for predecessor in before { successors[predecessor].append(index) } }
        var ready = Set(predecessors.indices.filter { waitingFor[$0] == 0 })
        var order: [Int] = []
        while let next = ready.min() {
            ready.remove(next)
            order.append(next)
            for successor in successors[next] {
                waitingFor[successor] -= 1
                if waitingFor[successor] == 0 { ready.insert(successor) }
            }
        }
        return order
    }

    /// One cycle of the graph as indices, the first repeated at the end (`a → b → a`); `nil`
    /// when there is none.
    private static func cycle(_ predecessors: [[Int]]) -> [Int]? {
        var state = Array(repeating: 0, count: predecessors.count)  // 0 new, 1 on the path, 2 done
        var path: [Int] = []
        func visit(_ index: Int) -> [Int]? {
            state[index] = 1
            path.append(index)
            for next in predecessors[index] {
                if state[next] == 1 { return Array(path[path.firstIndex(of: next)!...]) + [next] }
                if state[next] == 0, let found = visit(next) { return found }
            }
            state[index] = 2
            path.removeLast()
            return nil
        }
        for index in predecessors.indices where state[index] == 0 {
            if let found = visit(index) { return found }
        }
        return nil
    }
}
