import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A web page that cannot be shown: answered as an HTML error page with the status and a sentence
/// saying what happened (never a key, SQL or a stack).
struct WebError: Error, HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { "\(status.code) \(message)" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = WebTemplates.errorPage(status: status, message: message)
        var headers = WebResponses.htmlHeaders
        if status == .serviceUnavailable { headers[.retryAfter] = "5" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
