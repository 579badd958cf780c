import HTTPTypes
import Hummingbird

/// Cross-origin access for the origins of ``JobCoreAPI/Configuration/corsOrigins`` only.
///
/// A request whose `Origin` is one of them gets `Access-Control-Allow-Origin` with that origin
/// and `Access-Control-Expose-Headers` (the headers a client of the API reads); a preflight
/// (`OPTIONS` with `Access-Control-Request-Method`) from one of them is answered here with 204,
/// the methods and headers the API accepts. Any other origin gets no `Access-Control-*` header
/// at all, so a browser keeps the answer from its page. No credentials mode: the API's tokens
/// are sent in `Authorization` by the page, never as cookies.
struct CORSOriginsMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    /// The methods the API serves.
    static var allowedMethods: String { "GET, POST, PATCH, DELETE" }
    /// The request headers the API reads.
    static var allowedHeaders: String { "Authorization, Content-Type, If-Match, Range, Last-Event-ID" }
    /// The response headers a client of the API reads.
    static var exposedHeaders: String {
        "ETag, Location, Content-Range, Job-Log-Size, Job-Log-Next-Offset, Job-Log-Truncated, Retry-After, WWW-Authenticate"
    }
    /// How long a browser may keep a preflight's answer, in seconds.
    static var maxAge: String { "600" }

    init(origins: [String]) {
        self.origins = Set(origins)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        guard origins.contains(origin) else {
            var response = try await next(request, context)
            response.headers[values: .vary].append("Origin")
            return response
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin,
                .accessControlAllowMethods: Self.allowedMethods,
                .accessControlAllowHeaders: Self.allowedHeaders,
                .accessControlMaxAge: Self.maxAge,
                .vary: "Origin",
            ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        response.headers[values: .vary].append("Origin")
        return response
    }
}
