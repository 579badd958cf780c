public import Foundation

extension JobRecord {
    /// The job's payload, decoded from the JSON that ``DurableJobQueue`` stored.
    /// - Parameter type: the payload's type, e.g. `Review.self`.
    /// - Throws: the decoder's error when the payload is not JSON of that type.
    public func payload<Payload: Decodable>(as type: Payload.Type) throws -> Payload {
        try JSONDecoder().decode(type, from: self.payload)
    }

    /// The handler's result, decoded from the JSON it was stored as; `nil` while the job has no
    /// result (it has not succeeded, or its handler returns nothing).
    /// - Parameter type: the result's type, e.g. `ReviewResult.self`.
    /// - Throws: the decoder's error when the result is not JSON of that type.
    public func result<Value: Decodable>(as type: Value.Type) throws -> Value? {
        guard let data = self.result else { return nil }
        return try JSONDecoder().decode(type, from: data)
    }
}
