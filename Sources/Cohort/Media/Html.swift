public import CohortModel
import Foundation

/// An HTML page to log, as W&B's `wandb.Html`: written to `media/html/K_S_<hash>.html`; the row
/// holds W&B's `html-file` descriptor.
///
/// ```swift
/// try run.log(["report": Html("<h1>Epoch 3</h1><p>accuracy 0.91</p>")])
/// ```
public struct Html: Loggable, Equatable {
    /// The page.
    public let html: String

    /// A page from HTML text; like W&B (`inject=True`), W&B's stylesheet link goes into `<head>`, or
    /// in front of a fragment without one.
    public init(_ html: String, inject: Bool = true) {
        self.html = inject ? Self.injectingStylesheet(html) : html
    }

    public var jsonValue: JSONValue { ["_type": "html-file"] }

    public var containsMedia: Bool { true }

    public func write(to tape: inout LogTape) { tape.writeMedia(self) }

    static let stylesheet = "<base target=\"_blank\"><link rel=\"stylesheet\" type=\"text/css\" href=\"https://app.wandb.ai/normalize.css\" />"

    /// W&B's `Html.inject_head`.
    static func injectingStylesheet(_ html: String) -> String {
        if let range = html.range(of: "<head>") {
            return html.replacingCharacters(in: range, with: "<head>" + stylesheet)
        }
        if let range = html.range(of: "<html>") {
            return html.replacingCharacters(in: range, with: "<html><head>" + stylesheet + "</head>")
        }
        return stylesheet + html
    }
}

extension Html: SingleFileMedia {
    func mediaFile(key: String) -> MediaFile {
        MediaFile(bytes: Array(html.utf8), kind: "html", fileExtension: ".html", key: key, fields: ["_type": "html-file"])
    }

    /// W&B's `html` list for several pages under one key.
    static func listTemplate(_ pages: [Html], key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        let indices = try addFiles(pages, key: key, batch: &batch)
        return .descriptorList(fields: ["_type": "html", "count": .int(Int64(pages.count))], member: "html", files: indices)
    }
}
