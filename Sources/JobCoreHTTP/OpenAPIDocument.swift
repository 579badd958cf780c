public import Foundation

/// The API's contract: the hand-written OpenAPI 3.1 document (``json``), served at
/// `/openapi.json`.
///
/// It is compiled into the module rather than shipped as a resource file, so that a `jobctl`
/// copied anywhere still serves it.
public enum OpenAPIDocument {
    /// The document's bytes.
    public static var data: Data { Data(json.utf8) }
}
