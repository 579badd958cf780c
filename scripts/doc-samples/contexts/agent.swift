// The user's own work in a workspace (README's example).
private func runAgent(in directory: String) async throws {}
