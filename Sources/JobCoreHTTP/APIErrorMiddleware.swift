public import Hummingbird
import Logging

/// Answers every error of the routes behind it with the API's error document
/// (`{"error": {"code": …, "message": …}}`, see ``APIError``). An unexpected error is logged
/// by its type only and answered with a 500 that names nothing of it: error descriptions of
/// underlying libraries may carry details a client must not see.
public struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let answer = APIError.from(error)
            if answer.status.code >= 500 {
                context.logger.error("request failed", metadata: [
                    "error.type": "\(String(reflecting: type(of: error)))", "http.status": "\(answer.status.code)",
                    "error.code": "\(answer.code)",
                ])
            }
            return try answer.response(from: request, context: context)
        }
    }
}
