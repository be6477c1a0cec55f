import CohortModel
import Foundation

/// The media of a run page: for every media key (histograms aside), its newest values (or an older
/// page of them, `MediaPaging`): images (with bounding boxes drawn over them and segmentation masks
/// coloured by class, `MaskOverlay`), GIFs and videos, audio players, tables as sortable HTML
/// tables, and anything else (3D objects, HTML) as a download.
enum RunMedia {
    /// Steps shown per media key on one page.
    static let stepsPerKey = 6
    /// Largest table or boxes file read to draw it inline.
    static let maximumInlineBytes = 2 << 20
    /// Rows of a logged table shown inline.
    static let maximumTableRows = 200

    struct Mask {
        var name: String
        var src: String
        var classes: [MaskOverlay.LegendEntry]
        var hasClasses: Bool
        var moreClasses: Int
        var hasMoreClasses: Bool
        /// The id of the page's colouring filter (`MaskOverlay.filterSVG`).
        var filter = MaskOverlay.filterID
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
        var navigation: MediaPaging.Navigation
    }

    /// What the media section shows: one view per key, and whether the mask filter is needed.
    struct Views {
        var keys: [KeyView]
        var hasMasks: Bool
    }

    /// What describing one media value needs besides the value.
    private struct Context {
        var run: RunKey
        var stored: [String: String]
        var internalConfig: [String: JSONValue]
        /// The artifacts the run logged (tables are read from their `run_table` version).
        var logged: [ArtifactRecord]
        var services: ServerServices
    }

    /// The media section of `record`'s page: each media key's page of steps (`paging`), described
    /// from its logged descriptors and the run's stored files.
    static func views(
        series: MetricSeries, record: RunRecord, files: [RunFileRecord], logged: [ArtifactRecord], paging: MediaPaging,
        services: ServerServices
    ) async -> Views {
        let stored = Dictionary(
            files.compactMap { file in file.digest.map { (file.name, $0) } }, uniquingKeysWith: { a, _ in a })
        let context = Context(
            run: record.key, stored: stored, internalConfig: WebFormat.config(record.config, includeInternal: true),
            logged: logged, services: services)
        var views: [KeyView] = []
        for (index, mediaKey) in series.mediaKeys.enumerated() {
            guard let track = series.media[mediaKey] else { continue }
            let entries = track.all
            // Histograms are charted over all steps instead (`RunPage.histograms`); a descriptor that
            // is not JSON is skipped below.
            if let last = entries.last, (try? JSONParser.parse(last.json))?["_type"]?.stringValue == "histogram" {
                continue
            }
            let steps = entries.map(\.step)
            let shown = paging.window(mediaKey, steps: steps)
            var items: [Item] = []
            for position in shown {
                // A descriptor that is not JSON shows nothing (it was stored as the client sent it).
                guard let descriptor = try? JSONParser.parse(entries[position].json) else { continue }
                items += await Self.items(descriptor, key: mediaKey, step: steps[position], context: context)
            }
            guard !items.isEmpty else { continue }
            let navigation = paging.navigation(
                mediaKey, anchor: WebCharts.elementID("media", index, mediaKey), steps: steps, shown: shown,
                stride: track.stride, logged: track.seen)
            views.append(KeyView(key: mediaKey, items: items, navigation: navigation))
        }
        let hasMasks = views.contains { $0.items.contains { !$0.masks.isEmpty } }
        return Views(keys: views, hasMasks: hasMasks)
    }

    private static func items(_ descriptor: JSONValue, key: String, step: Double, context: Context) async -> [Item] {
        let (run, stored, services) = (context.run, context.stored, context.services)
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
            if let width = descriptor["width"]?.intValue, let height = descriptor["height"]?.intValue, width > 0,
                height > 0
            {
                (item.hasSize, item.width, item.height) = (true, Int(width), Int(height))
            }
            item.masks = masks(descriptor, key: key, context: context)
            var overlay = ""
            for (_, boxes) in (descriptor["boxes"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let boxesPath = boxes["path"]?.stringValue, let digest = stored[boxesPath],
                    let json = await readJSON(digest, services: services)
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
                all += await items(clip, key: key, step: step, context: context)
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
            if let (table, fileURL) = await LoggedTable.fromArtifact(descriptor, logged: context.logged, services: services) {
                (item.isTable, item.tableHTML) = (true, TableHTML.render(table, maximumRows: maximumTableRows, fileURL: fileURL))
            } else if let digest = stored[path], let json = await readJSON(digest, services: services) {
                (item.isTable, item.tableHTML) = (true, TableHTML.render(json, maximumRows: maximumTableRows) { WebPaths.runFile(run, name: $0) })
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

    /// The masks of an image, each with the legend of its labelled classes.
    private static func masks(_ image: JSONValue, key: String, context: Context) -> [Mask] {
        (image["masks"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.compactMap { name, mask in
            guard let path = mask["path"]?.stringValue else { return nil }
            let labels = MaskOverlay.classLabels(
                mask: mask, imageKey: key, maskKey: name, internalConfig: context.internalConfig)
            let legend = MaskOverlay.legend(labels)
            return Mask(
                name: name, src: WebPaths.runFile(context.run, name: path), classes: legend,
                hasClasses: !legend.isEmpty,
                moreClasses: labels.count - legend.count, hasMoreClasses: labels.count > legend.count)
        }
    }

    private static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// A small stored file (a table or boxes JSON) parsed, or `nil` when missing, too big or not JSON.
    static func readJSON(_ sha256: String, services: ServerServices) async -> JSONValue? {
        let blobs = services.blobs
        guard let path = blobs.path(sha256: sha256), let size = blobs.size(sha256: sha256), size <= maximumInlineBytes
        else {
            return nil
        }
        // A blob that cannot be read or parsed is shown as a download instead (nil).
        let data = try? await BlobStore.blocking { try Data(contentsOf: URL(fileURLWithPath: path)) }
        return data.flatMap { try? JSONParser.parse([UInt8]($0)) }
    }
}
