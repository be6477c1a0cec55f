public import Hummingbird
public import Logging
public import NIOCore

/// The per-request context: Hummingbird's core storage plus the API key that authenticated the
/// request (set by `APIKeyMiddleware`).
public struct CohortRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The key that authenticated this request, when the route needs one.
    public var principal: APIKeyRecord?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// Bodies up to 64 MiB are collected (file PUTs stream instead).
    public var maxUploadSize: Int { 64 << 20 }
}
