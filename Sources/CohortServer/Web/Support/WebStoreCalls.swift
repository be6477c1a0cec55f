import HTTPTypes
import Foundation

/// Store calls from web pages: a `StoreError` becomes the error page a person can act on.
enum WebStoreCalls {
    static func run<T>(_ body: () async throws -> T) async throws(WebError) -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            switch error.code {
            case .notFound: throw WebError(.notFound, "That does not exist (or no longer exists).")
            case .invalid: throw WebError(.badRequest, error.message)
            case .conflict: throw WebError(.conflict, error.message)
            case .unavailable: throw WebError(.serviceUnavailable, "The server's database is unavailable; reload the page in a moment.")
            }
        } catch let error as WebError {
            throw error
        } catch {
            throw WebError(.internalServerError, "The page could not be made; try again.")
        }
    }
}
