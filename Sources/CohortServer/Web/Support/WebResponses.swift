import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Building the web UI's responses.
enum WebResponses {
    static var htmlHeaders: HTTPFields {
        [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "same-origin",
        ]
    }

    /// A 200 HTML page.
    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: htmlHeaders, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A 303 to `location` (a path on this server).
    static func redirect(to location: String, cookie: Cookie? = nil) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// A static asset (CSS or JavaScript), cached for an hour.
    static func asset(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
