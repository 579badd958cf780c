import ArgumentParser
import Foundation
import JobCore
import JobCoreJSON
import Logging

/// `jobctl submit PLAN`: a graph of command jobs enqueued in one transaction.
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enqueue a plan: a graph of command jobs, all at once or none.",
        discussion: """
        PLAN is a JSON file (or - for standard input): {"jobs": [{"name": …, "command": […], …}]}. \
        Every enqueue option is a field of the same name in camelCase (repo, ref, depth, branch, \
        key, priority, timeout, maxAttempts, idempotencyKey, env as an object, push, …); dependsOn \
        names jobs of the plan (in any order) or ids of stored jobs; children nests jobs under a \
        parent, which ends only after them; "group": true marks a job without a command that \
        only holds its children. Prints NAME ID per job; an invalid plan exits 2 naming the job, \
        and creates nothing.

        Example:
          jobctl submit plan.json --json
        """
    )

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: ArgumentHelp("The plan: a JSON file, or - for standard input.", valueName: "plan")) var plan: String
    @Flag(help: "Print {\"jobs\": {NAME: ID}} instead of NAME ID lines.") var json = false

    struct Output: Encodable {
        var jobs: [String: String]
    }

    func run() async throws {
        try await reportingErrors {
            let logger = global.makeLogger()
            let data: Data
            if plan == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: plan) else { throw CLIError(.invalidInput, "cannot read the plan \(plan)") }
                data = contents
            }
            let jobPlan = try PlanFile.parse(data, now: Date())
            let results = try await global.withStore(logger: logger) { store in try await DurableJobQueue(store: store).submit(jobPlan) }
            logger.info("plan enqueued", metadata: ["jobs": "\(results.count)", "created": "\(results.values.count(where: \.created))"])
            if json {
                try JSONOutput.print(Output(jobs: results.mapValues(\.job.id.rawValue)))
            } else {
                for name in PlanFile.names(jobPlan.jobs) { print("\(name) \(results[name]!.job.id)") }
            }
        }
    }
}

/// The plan file: each job's fields become the options of `jobctl enqueue`, parsed and checked
/// by the same code.
enum PlanFile {
    static func parse(_ data: Data, now: Date) throws -> JobPlan {
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw CLIError(.invalidInput, "the plan is not JSON")
        }
        guard case .object(let top) = document, case .array(let entries)? = top["jobs"] else {
            throw CLIError(.invalidInput, "the plan must be an object with a \"jobs\" array")
        }
        if let extra = top.keys.sorted().first(where: { $0 != "jobs" }) { throw CLIError(.invalidInput, "the plan has an unknown field '\(extra)'") }
        var names = Set<String>()
        try collectNames(entries, into: &names, under: nil)
        return JobPlan(jobs: try jobs(entries, planNames: names, now: now))
    }

    /// Every job's name, children after their parent.
    static func names(_ jobs: [JobPlan.Job]) -> [String] {
        jobs.flatMap { [$0.name] + names($0.children) }
    }

    /// Checks that every entry (children included) is an object with a name, and collects the names.
    private static func collectNames(_ entries: [JSONValue], into names: inout Set<String>, under parent: String?) throws {
        for (index, entry) in entries.enumerated() {
            let place = parent.map { "child \(index + 1) of plan job '\($0)'" } ?? "job \(index + 1) of the plan"
            guard case .object(let fields) = entry else { throw CLIError(.invalidInput, "\(place) is not an object") }
            guard case .string(let name)? = fields["name"], !name.isEmpty else { throw CLIError(.invalidInput, "\(place) needs a \"name\" string") }
            names.insert(name)
            if let children = fields["children"] {
                guard case .array(let nested) = children else { throw CLIError(.invalidInput, "plan job '\(name)': \"children\" must be an array of jobs") }
                try collectNames(nested, into: &names, under: name)
            }
        }
    }

    private static func jobs(_ entries: [JSONValue], planNames: Set<String>, now: Date) throws -> [JobPlan.Job] {
        try entries.map { entry in
            guard case .object(let fields) = entry, case .string(let name)? = fields["name"] else { throw CLIError(.invalidInput, "a plan job is not an object with a name") }
            var job: JobPlan.Job
            do {
                job = try self.job(name: name, fields: fields, planNames: planNames, now: now)
            } catch {
                let failure = CLIError.from(error)
                throw CLIError(failure.code, "plan job '\(name)': \(failure.message)")
            }
            if case .array(let children)? = fields["children"] { job.children = try jobs(children, planNames: planNames, now: now) }
            return job
        }
    }

    /// One plan job without its children: `dependsOn` split into plan names and stored ids,
    /// the rest as enqueue options; a group takes only its dependencies.
    static func job(name: String, fields: [String: JSONValue], planNames: Set<String>, now: Date) throws -> JobPlan.Job {
        var arguments: [String] = []
        var command: [String] = []
        var dependsOn: [String] = []
        var group = false
        if let value = fields["group"] {
            guard case .bool(let flag) = value else { throw CLIError(.invalidInput, "\"group\" must be true or false") }
            group = flag
        }
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
            switch field {
            case "name", "group", "children":
                continue
            case _ where group && !["dependsOn", "dependencyMode"].contains(field):
                throw CLIError(.invalidInput, "a group has no command of its own: '\(field)' does not apply (give it to its children)")
            case "command":
                guard let words = strings(value), !words.isEmpty else { throw CLIError(.invalidInput, "\"command\" must be a non-empty array of strings") }
                command = words
            case "dependsOn":
                guard let references = strings(value) else { throw CLIError(.invalidInput, "\"dependsOn\" must be an array of strings") }
                for reference in references {
                    if planNames.contains(reference) {
                        dependsOn.append(reference)
                    } else if JobID.isWellFormed(reference) {
                        arguments += ["--depends-on", reference]
                    } else {
                        throw CLIError(.invalidInput, "dependsOn names '\(reference)', which is neither a job of the plan nor a job id")
                    }
                }
            default:
                arguments += try options(field, value)
            }
        }
        if group {
            guard case .array(let children)? = fields["children"], !children.isEmpty else {
                throw CLIError(.invalidInput, "a group needs \"children\"")
            }
            var options = JobOptions()
            for index in stride(from: 1, to: arguments.count, by: 2) where arguments[index - 1] == "--depends-on" {
                options.dependsOn.append(JobID(arguments[index]))
            }
            if case .string(let mode)? = fields["dependencyMode"] {
                guard let parsed = DependencyMode(rawValue: mode) else {
                    throw CLIError(.invalidInput, "\"dependencyMode\" must be succeeded or finished")
                }
                options.dependencyMode = parsed
            }
            return JobPlan.Job(name: name, job: .group(options: options), dependsOn: dependsOn)
        }
        guard !command.isEmpty else { throw CLIError(.invalidInput, "\"command\" is missing") }
        let spec: JobSpecOptions
        do {
            spec = try JobSpecOptions.parse(arguments + ["--"] + command)
        } catch {
            throw CLIError(.invalidInput, JobSpecOptions.message(for: error))
        }
        let (newJob, _) = try spec.makeJob(defaultAttempts: 3, now: now)
        return JobPlan.Job(name: name, job: newJob, dependsOn: dependsOn)
    }

    /// An array of strings, or `nil`.
    static func strings(_ value: JSONValue) -> [String]? {
        guard case .array(let items) = value else { return nil }
        var words: [String] = []
        for item in items {
            guard case .string(let word) = item else { return nil }
            words.append(word)
        }
        return words
    }

    /// A field as `enqueue` options: `maxAttempts: 3` is `--max-attempts 3`, `push: true` is
    /// `--push`, `env: {"K": "V"}` is `--env K=V`, an array of strings repeats the option.
    static func options(_ field: String, _ value: JSONValue) throws -> [String] {
        let option = "--" + kebab(field)
        switch value {
        case .bool(let flag): return flag ? [option] : []
        case .integer(let number): return [option, "\(number)"]
        case .string(let text): return [option, text]
        case .object(let object) where field == "env":
            return try object.sorted(by: { $0.key < $1.key }).flatMap { key, value -> [String] in
                guard case .string(let text) = value else { throw CLIError(.invalidInput, "env \(key) must be a string") }
                return [option, "\(key)=\(text)"]
            }
        case .array:
            guard let list = strings(value) else { throw CLIError(.invalidInput, "'\(field)' must be an array of strings") }
            return list.flatMap { [option, $0] }
        default:
            throw CLIError(.invalidInput, "'\(field)' has a value of the wrong type")
        }
    }

    /// `maxAttempts` → `max-attempts`, `installationID` → `installation-id`.
    static func kebab(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { result.append("-") }
            result.append(Character(character.lowercased()))
            previous = character
        }
        return result
    }
}
