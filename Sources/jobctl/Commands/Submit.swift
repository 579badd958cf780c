import ArgumentParser
import Foundation
import JobCore
import Logging

/// `jobctl submit PLAN`: a graph of command jobs enqueued in one transaction.
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enqueue a plan: a graph of command jobs, all at once or none.",
        discussion: """
        PLAN is a JSON file (or - for standard input): {"jobs": [{"name": …, "command": […], …}]}. \
        Every enqueue option is a field of the same name in camelCase (repo, ref, depth, branch, \
        key, priority, timeout, maxAttempts, idempotencyKey, env as an object, push, …); dependsOn \
        names jobs of the plan (in any order) or ids of stored jobs. Prints NAME ID per job; an \
        invalid plan exits 2 naming the job, and creates nothing.

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
                for job in jobPlan.jobs { print("\(job.name) \(results[job.name]!.job.id)") }
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
        let named = try entries.enumerated().map { index, entry -> (String, [String: JSONValue]) in
            guard case .object(let fields) = entry else { throw CLIError(.invalidInput, "job \(index + 1) of the plan is not an object") }
            guard case .string(let name)? = fields["name"], !name.isEmpty else {
                throw CLIError(.invalidInput, "job \(index + 1) of the plan needs a \"name\" string")
            }
            return (name, fields)
        }
        let names = Set(named.map(\.0))
        return JobPlan(jobs: try named.map { name, fields in
            do {
                return try job(name: name, fields: fields, planNames: names, now: now)
            } catch {
                let failure = CLIError.from(error)
                throw CLIError(failure.code, "plan job '\(name)': \(failure.message)")
            }
        })
    }

    /// One plan job: `dependsOn` split into plan names and stored ids, the rest as enqueue options.
    static func job(name: String, fields: [String: JSONValue], planNames: Set<String>, now: Date) throws -> JobPlan.Job {
        var arguments: [String] = []
        var command: [String] = []
        var dependsOn: [String] = []
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
            switch field {
            case "name":
                continue
            case "group", "children":
                throw CLIError(.invalidInput, "'\(field)' (parent and child jobs) is not supported yet; use dependsOn")
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
