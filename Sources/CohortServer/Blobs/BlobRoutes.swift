import Hummingbird

/// PLACEHOLDER in the skeleton commit; replaced by the real routes.
enum BlobRoutes {
    static func register(on group: RouterGroup<CohortRequestContext>, services: ServerServices) {}
}
