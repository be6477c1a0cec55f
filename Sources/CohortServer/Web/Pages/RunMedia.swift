import CohortModel
import Foundation

/// The media of a run page: for every media key (histograms aside), its newest values: images
/// (with bounding boxes drawn over them and masks laid on top), GIFs and videos, audio players,
/// tables as sortable HTML tables, and anything else (3D objects, HTML) as a download.
enum RunMedia {
    /// Steps shown per media key (the newest).
    static let stepsPerKey = 6
    /// Largest table or boxes file read to draw it inline.
    static let maximumInlineBytes = 2 << 20
    /// Rows of a logged table shown inline.
    static let maximumTableRows = 200

    struct Mask {
        var name: String
        var src: String
    }

    struct Item {
        var key: String
        var step: String
        var caption: String
        var hasCaption: Bool
        var src: String
        var isImage = false
        var hasSize = false
        var width = 0
        var height = 0
        var hasOverlay = false
        var overlay = ""
        var masks: [Mask] = []
        var isAudio = false
        var isVideo = false
        var isGIF = false
        var isTable = false
        var tableHTML = ""
        var isDownload = false
        var fileName = ""
        var kind = ""
    }

    struct KeyView {
        var key: String
        var items: [Item]
    }

    static func views(series: MetricSeries, key: RunKey, files: [RunFileRecord], services: ServerServices) async -> [KeyView] {
        let stored = Dictionary(files.compactMap { file in file.digest.map { (file.name, $0) } }, uniquingKeysWith: { a, _ in a })
        var views: [KeyView] = []
        for mediaKey in series.mediaKeys {
            guard let track = series.media[mediaKey] else { continue }
            var items: [Item] = []
            for entry in track.all.suffix(stepsPerKey).reversed() {
                // A descriptor that is not JSON shows nothing (it was stored as the client sent it).
                guard let descriptor = try? JSONParser.parse(entry.json) else { continue }
                items += await Self.items(descriptor, key: mediaKey, step: entry.step, run: key, stored: stored, services: services)
            }
            if !items.isEmpty { views.append(KeyView(key: mediaKey, items: items)) }
        }
        return views
    }

    private static func items(
        _ descriptor: JSONValue, key: String, step: Double, run: RunKey, stored: [String: String], services: ServerServices
    ) async -> [Item] {
        let type = descriptor["_type"]?.stringValue ?? ""
        let caption = descriptor["caption"]?.stringValue ?? ""
        func base(_ path: String, caption: String = caption) -> Item {
            Item(
                key: key, step: WebFormat.number(step), caption: caption, hasCaption: !caption.isEmpty,
                src: WebPaths.runFile(run, name: path))
        }
        switch type {
        case "histogram":
            return []
        case "image-file":
            guard let path = descriptor["path"]?.stringValue else { return [] }
            var item = base(path)
            item.isImage = true
            if let width = descriptor["width"]?.intValue, let height = descriptor["height"]?.intValue, width > 0, height > 0 {
                (item.hasSize, item.width, item.height) = (true, Int(width), Int(height))
            }
            for (name, mask) in (descriptor["masks"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let maskPath = mask["path"]?.stringValue { item.masks.append(Mask(name: name, src: WebPaths.runFile(run, name: maskPath))) }
            }
            var overlay = ""
            for (_, boxes) in (descriptor["boxes"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let boxesPath = boxes["path"]?.stringValue, let digest = stored[boxesPath],
                    let json = await read(digest, services: services)
                else { continue }
                overlay += BoxOverlay.svg(json, width: item.width, height: item.height)
            }
            (item.hasOverlay, item.overlay) = (!overlay.isEmpty, overlay)
            return [item]
        case "images/separated":
            let captions = descriptor["captions"]?.arrayValue ?? []
            return (descriptor["filenames"]?.arrayValue ?? []).enumerated().compactMap { index, name in
                guard let path = name.stringValue else { return nil }
                var item = base(path, caption: index < captions.count ? captions[index].stringValue ?? "" : "")
                item.isImage = true
                return item
            }
        case "audio-file":
            guard let path = descriptor["path"]?.stringValue else { return [] }
            var item = base(path)
            item.isAudio = true
            return [item]
        case "audio":
            var all: [Item] = []
            for clip in descriptor["audio"]?.arrayValue ?? [] {
                all += await items(clip, key: key, step: step, run: run, stored: stored, services: services)
            }
            return all
        case "video-file":
            guard let path = descriptor["path"]?.stringValue else { return [] }
            var item = base(path)
            (item.isVideo, item.isGIF) = (true, path.lowercased().hasSuffix(".gif"))
            return [item]
        case "table-file":
            guard let path = descriptor["path"]?.stringValue else { return [] }
            var item = base(path)
            if let digest = stored[path], let json = await read(digest, services: services) {
                (item.isTable, item.tableHTML) = (true, TableHTML.render(json, maximumRows: maximumTableRows))
            } else {
                (item.isDownload, item.fileName, item.kind) = (true, fileName(path), "table (not uploaded yet)")
            }
            return [item]
        default:
            guard let path = descriptor["path"]?.stringValue else { return [] }
            var item = base(path)
            (item.isDownload, item.fileName) = (true, fileName(path))
            item.kind = type.replacingOccurrences(of: "-file", with: "")
            return [item]
        }
    }

    private static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// A small stored file (a table or boxes JSON) parsed, or `nil` when missing, too big or not JSON.
    private static func read(_ sha256: String, services: ServerServices) async -> JSONValue? {
        let blobs = services.blobs
        guard let path = blobs.path(sha256: sha256), let size = blobs.size(sha256: sha256), size <= maximumInlineBytes else {
            return nil
        }
        // A blob that cannot be read or parsed is shown as a download instead (nil).
        let data = try? await BlobStore.blocking { try Data(contentsOf: URL(fileURLWithPath: path)) }
        return data.flatMap { try? JSONParser.parse([UInt8]($0)) }
    }
}
