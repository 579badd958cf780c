// Inside a job handler: the attempt's context, and a workspace opened for it.
import JobCore

private let context: JobContext = stub()
private let workspace: Workspace = stub()
private func runTool(in directory: String) async throws {}
