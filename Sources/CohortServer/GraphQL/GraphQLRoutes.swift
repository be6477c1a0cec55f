import Foundation
import GraphQL
import Hummingbird
import Logging
import NIOCore

/// `POST /graphql`, executed by a real GraphQL executor against `CohortSchema`.
///
/// HTTP rules (`wandb-protocol.md` §1, §6):
/// - the body is JSON `{query, operationName, variables}`; `operationName` empty or missing means the
///   document's single operation, and a missing or null `variables` means none;
/// - a body that is not such JSON is HTTP 400 with a JSON `errors` body;
/// - GraphQL errors (syntax, validation, permission, bad input, missing records) are HTTP 200 with
///   `errors`, so the client fails the operation without retrying;
/// - a store that is unavailable is HTTP 503, which the client retries.
enum GraphQLRoutes {
    static func register(on group: RouterGroup<CohortRequestContext>, services: ServerServices) {
        let schema = CohortSchema.shared
        group.post("/graphql") { request, context -> Response in
            try await answer(request: request, context: context, services: services, schema: schema)
        }
    }

    /// The request envelope. `operationName` and `variables` may be missing or null.
    struct Envelope: Decodable {
        var query: String
        var operationName: String?
        var variables: [String: Map]?
    }

    static func answer(
        request: Request, context: CohortRequestContext, services: ServerServices, schema: GraphQLSchema
    ) async throws -> Response {
        guard let principal = context.principal else {
            throw HTTPError(.unauthorized, message: "an API key is required")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView))
        } catch {
            return errorResponse(
                .badRequest,
                "the body must be JSON {\"query\": string, \"operationName\": string?, \"variables\": object?}")
        }
        let operationName = envelope.operationName.flatMap { $0.isEmpty ? nil : $0 }
        let graphQLContext = GraphQLContext(services: services, principal: principal, now: Date())

        let result: GraphQLResult
        do {
            result = try await graphql(
                schema: schema, request: envelope.query, context: graphQLContext,
                variableValues: envelope.variables ?? [:], operationName: operationName)
        } catch let error as GraphQLError {
            // Syntax errors are thrown by the parser rather than returned.
            result = GraphQLResult(errors: [error])
        } catch {
            result = GraphQLResult(errors: [GraphQLError(message: "\(error)")])
        }

        if let unavailable = result.errors.lazy.compactMap({ $0.originalError as? StoreUnavailable }).first {
            services.logger.warning(
                "GraphQL request failed: store unavailable", metadata: ["operation": "\(operationName ?? "-")", "error": "\(unavailable.message)"])
            return errorResponse(.serviceUnavailable, "the store is unavailable; retry later")
        }
        if !result.errors.isEmpty {
            services.logger.info(
                "GraphQL errors", metadata: ["operation": "\(operationName ?? "-")", "errors": "\(result.errors.map(\.message))"])
        }
        do {
            let data = try GraphQLJSONEncoder().encode(result)
            return jsonResponse(.ok, data)
        } catch {
            services.logger.error("GraphQL result could not be encoded", metadata: ["error": "\(error)"])
            return errorResponse(.internalServerError, "the result could not be encoded")
        }
    }

    /// `{"errors": [{"message": …}]}` with `status`.
    static func errorResponse(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let object: [String: Any] = ["errors": [["message": message]]]
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data(#"{"errors":[]}"#.utf8)
        return jsonResponse(status, data)
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ data: Data) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
