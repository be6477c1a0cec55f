@testable import CohortServer
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// Login, logout and the API's permission rule on every page.
@Suite("web UI sessions and permissions")
struct WebAccessTests {
    static let pages = [
        "/alice/vision", "/alice/vision/runs/main", "/alice/vision/groups/ddp", "/alice/vision/artifacts",
        "/alice/vision/artifacts/dataset/mnist/v0", "/alice/vision/sweeps/sw1",
        "/alice/vision/runs/main/files/config.yaml", "/alice/vision/artifacts/dataset/mnist/v0/files/train/data.csv",
    ]

    @Test("without a session every page redirects to the login form, remembering where it was going")
    func redirects() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            for path in ["/"] + Self.pages {
                let page = try await client.get(path, as: .none)
                #expect(page.status == .seeOther, "\(path)")
                #expect(page.headers[.location] == "/login?next=" + WebPaths.queryEncode(path), "\(path)")
            }
            let form = try await client.get("/login?next=%2Falice%2Fvision", as: .none)
            #expect(form.status == .ok && form.contains(#"<input type="hidden" name="next" value="/alice/vision">"#))
            #expect(form.contains(#"<label for="key">API key</label>"#))
        }
    }

    @Test("logging in with a key sets an HttpOnly, SameSite=Lax session cookie that opens the pages; logout clears it")
    func login() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let answer = try await client.post("/login", form: "key=\(WebFixture.aliceKey)&next=%2Falice%2Fvision")
            #expect(answer.status == .seeOther && answer.headers[.location] == "/alice/vision")
            let setCookie = try #require(answer.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
            #expect(!setCookie.contains(WebFixture.aliceKey), "the key itself is never in the cookie")
            let value = try #require(setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init))
            let page = try await client.get("/alice/vision/runs/main", as: .cookie(value))
            #expect(page.status == .ok && page.contains("resnet baseline"))
            #expect(page.contains(#"<form method="post" action="/logout""#))
            let logout = try await client.post("/logout", form: "", as: .cookie(value))
            #expect(logout.status == .seeOther && logout.headers[.setCookie]?.contains("Max-Age=0") == true)
        }
    }

    @Test("a wrong key is refused on the form; an outside next is replaced by /")
    func badLogin() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let unknown = try await client.post("/login", form: "key=" + String(repeating: "z", count: 44))
            #expect(unknown.status == .unauthorized && unknown.contains("unknown or revoked") && unknown.headers[.setCookie] == nil)
            let short = try await client.post("/login", form: "key=abc")
            #expect(short.status == .badRequest)
            let outside = try await client.post("/login", form: "key=\(WebFixture.aliceKey)&next=%2F%2Fevil.example%2F")
            #expect(outside.headers[.location] == "/")
        }
    }

    @Test("a forged, expired or revoked session is no session")
    func badCookies() async throws {
        let fixture = try await WebFixture.make()
        let signer = fixture.services.signer
        let valid = WebSession.cookieValue(keyID: "ka", signer: signer)
        #expect(WebSession.keyID(fromCookie: valid, signer: signer) == "ka")
        #expect(WebSession.keyID(fromCookie: valid.replacingOccurrences(of: "ka.", with: "kc."), signer: signer) == nil, "another key id")
        let old = WebSession.cookieValue(keyID: "ka", signer: signer, now: Date(timeIntervalSinceNow: -WebSession.lifetime - 60))
        #expect(WebSession.keyID(fromCookie: old, signer: signer) == nil, "expired")
        #expect(WebSession.keyID(fromCookie: "ka.1.x", signer: signer) == nil)
        _ = try await fixture.store.revokeAPIKey(id: "ka", at: Date())
        try await fixture.withClient { client in
            let page = try await client.get("/alice/vision", as: .cookie(valid))
            #expect(page.status == .seeOther, "the key behind the session was revoked")
        }
    }

    @Test("another entity's key gets a 403 page on every page of alice's; an admin key sees them all")
    func permissions() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            for path in Self.pages {
                let bob = try await client.get(path, as: .key(WebFixture.bobKey))
                #expect(bob.status == .forbidden, "\(path)")
                #expect(!bob.contains("resnet baseline"), "\(path)")
                let admin = try await client.get(path, as: .key(WebFixture.adminKey))
                #expect(admin.status == .ok, "\(path)")
            }
            let own = try await client.get("/alice/vision", as: .key(WebFixture.aliceKey))
            #expect(own.status == .ok)
            let bobsProject = try await client.get("/bob/secret", as: .key(WebFixture.aliceKey))
            #expect(bobsProject.status == .forbidden)
        }
    }

    @Test("user strings are HTML-escaped everywhere they appear")
    func escaping() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let escaped = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"
            for path in ["/alice/vision", "/alice/vision/runs/xss"] {
                let page = try await client.get(path, as: .key(WebFixture.aliceKey))
                #expect(page.status == .ok)
                #expect(!page.contains(WebFixture.hostileName), "\(path)")
                #expect(page.contains(escaped), "\(path)")
                #expect(!page.contains("<b>bold</b>") && page.contains("&lt;b&gt;bold&lt;/b&gt;"), "\(path)")
            }
            let run = try await client.get("/alice/vision/runs/xss", as: .key(WebFixture.aliceKey))
            #expect(!run.contains("<img src=x") && run.contains("&lt;img src=x onerror=alert(1)&gt;"), "notes")
            let main = try await client.get("/alice/vision/runs/main", as: .key(WebFixture.aliceKey))
            #expect(main.contains("a &lt;sample&gt;") && !main.contains("a <sample>"), "media captions")
        }
    }

    @Test("the stylesheet and scripts are served without a session")
    func assets() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            for (path, type) in [("/static/web.css", "text/css"), ("/static/charts.css", "text/css"),
                                 ("/static/web.js", "text/javascript"), ("/static/charts.js", "text/javascript")] {
                let asset = try await client.get(path, as: .none)
                #expect(asset.status == .ok && asset.headers[.contentType]?.hasPrefix(type) == true, "\(path)")
                #expect(asset.body.count > 200, "\(path)")
            }
        }
    }
}
