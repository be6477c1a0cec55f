import Hummingbird

/// PLACEHOLDER in the skeleton commit; replaced by the real routes.
enum GraphQLRoutes {
    static func register(on group: RouterGroup<CohortRequestContext>, services: ServerServices) {}
}
