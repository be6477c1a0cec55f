import CohortModel
import Foundation

/// The type of a table column as W&B's `wandb.Table` tracks it (`_dtypes`): every column starts as
/// "none or unknown"; each added row narrows it; a value that fits none of the column's types is
/// refused (W&B raises `TypeError`). The type goes into the table's artifact as `column_types`, and
/// W&B's UI and `wandb.Api` read the table through it.
///
/// Assignment follows W&B's rules: numbers (integer or not) are one type, booleans another; a list's
/// element type is assigned element by element and its `length` is the last list's; an object
/// (a typed dictionary) must not bring keys the first one did not have; an image's type merges the
/// box and mask layers, score keys and class maps of every image in the column.
indirect enum TableColumnType: Sendable, Equatable {
    case none
    case number
    case string
    case boolean
    case unknown
    case list(element: TableColumnType, length: Int)
    case typedDict([String: TableColumnType])
    case union([TableColumnType])
    case image(ImageTypeParameters)
    /// A media file type without parameters: `audio-file`, `video-file`, `html-file`, `object3D-file`.
    case file(String)

    /// W&B's starting type of a column: none or unknown.
    static let column = TableColumnType.union([.none, .unknown])

    /// The type of one cell on its own (W&B's `TypeRegistry.type_of`).
    static func of(_ cell: Table.Cell) -> TableColumnType {
        switch cell {
        case .null: return .none
        case .bool: return .boolean
        case .int, .double: return .number
        case .string: return .string
        case .image(let image): return .image(ImageTypeParameters(image))
        case .audio: return .file("audio-file")
        case .video: return .file("video-file")
        case .html: return .file("html-file")
        case .object3D: return .file("object3D-file")
        case .json(let value): return of(value)
        }
    }

    static func of(_ value: JSONValue) -> TableColumnType {
        switch value {
        case .null: return .none
        case .bool: return .boolean
        case .int, .double: return .number
        case .string: return .string
        case .array(let elements):
            var element: TableColumnType = elements.contains(.null) ? .union([.none, .unknown]) : .unknown
            for item in elements {
                // W&B keeps an invalid element type here rather than failing; so do we (as unknown).
                element = element.assigning(value: item) ?? element
            }
            return .list(element: element, length: elements.count)
        case .object(let members): return .typedDict(members.mapValues(of))
        }
    }

    /// This type after a cell is assigned to it (W&B's `Type.assign`), or `nil` when the cell does
    /// not fit.
    func assigning(_ cell: Table.Cell) -> TableColumnType? {
        if case .json(let value) = cell { return assigning(value: value) }
        return assigning(type: Self.of(cell))
    }

    /// `assigning` for JSON, where lists and objects are assigned member by member.
    func assigning(value: JSONValue) -> TableColumnType? {
        switch self {
        case .union(let allowed): return Self.union(allowed, assigning: .value(value))
        case .list(let element, _):
            guard case .array(let items) = value else { return nil }
            var current = element
            for item in items {
                guard let next = current.assigning(value: item) else { return nil }
                current = next
            }
            return .list(element: current, length: items.count)
        case .typedDict(let map):
            guard case .object(let members) = value, Set(members.keys).isSubset(of: map.keys) else { return nil }
            var result: [String: TableColumnType] = [:]
            for (key, type) in map {
                guard let next = type.assigning(value: members[key] ?? .null) else { return nil }
                result[key] = next
            }
            return .typedDict(result)
        default:
            return assigning(type: Self.of(value))
        }
    }

    /// This type after a value of type `other` is assigned to it (W&B's `Type.assign_type`).
    func assigning(type other: TableColumnType) -> TableColumnType? {
        switch (self, other) {
        case (.unknown, .none): return nil
        case (.unknown, _): return other
        case (.union(let allowed), .union(let incoming)):
            var resolved = allowed
            for type in incoming {
                guard let next = Self.union(resolved, assigning: .type(type)) else { return nil }
                resolved = next.unionMembers
            }
            return .union(resolved)
        case (.union(let allowed), _): return Self.union(allowed, assigning: .type(other))
        case (.list(let element, let length), .list(let otherElement, let otherLength)):
            guard let merged = element.assigning(type: otherElement) else { return nil }
            return .list(element: merged, length: length == otherLength ? length : -1)
        case (.typedDict(let map), .typedDict(let otherMap)):
            guard Set(otherMap.keys).isSubset(of: map.keys) else { return nil }
            var result: [String: TableColumnType] = [:]
            for (key, type) in map {
                guard let next = type.assigning(type: otherMap[key] ?? .unknown) else { return nil }
                result[key] = next
            }
            return .typedDict(result)
        case (.image(let mine), .image(let theirs)): return .image(mine.merging(theirs))
        default: return self == other ? self : nil
        }
    }

    private enum Assignee {
        case value(JSONValue)
        case type(TableColumnType)
    }

    private var unionMembers: [TableColumnType] {
        if case .union(let members) = self { return members }
        return [self]
    }

    /// W&B's `_union_assigner`: the first member that accepts the value takes it; if none does, an
    /// `unknown` member becomes the value's type; the members are flattened and sorted as W&B
    /// sorts them (by their Python `repr`).
    private static func union(_ allowed: [TableColumnType], assigning assignee: Assignee) -> TableColumnType? {
        var resolved: [TableColumnType] = []
        var valid = false
        var unknowns = 0
        for type in allowed {
            if valid {
                resolved.append(type)
            } else if type == .unknown {
                unknowns += 1
            } else {
                let assigned: TableColumnType?
                switch assignee {
                case .value(let value): assigned = type.assigning(value: value)
                case .type(let incoming): assigned = type.assigning(type: incoming)
                }
                if let assigned {
                    resolved.append(assigned)
                    valid = true
                } else {
                    resolved.append(type)
                }
            }
        }
        if !valid {
            guard unknowns > 0 else { return nil }
            let incoming: TableColumnType
            switch assignee {
            case .value(let value): incoming = of(value)
            case .type(let type): incoming = type
            }
            guard incoming != .none else { return nil }
            resolved.append(incoming)
            unknowns -= 1
        }
        resolved += Array(repeating: .unknown, count: unknowns)
        let flat = resolved.flatMap(\.unionMembers)
        return .union(flat.sorted { $0.pythonRepr < $1.pythonRepr })
    }

    /// W&B's `str()` of the type, which orders the members of a union.
    var pythonRepr: String {
        switch self {
        case .none: return "None"
        case .number: return "Number"
        case .string: return "String"
        case .boolean: return "Boolean"
        case .unknown: return "Unknown"
        case .list(let element, _): return element.pythonRepr + "[]"
        case .typedDict(let map):
            return "{" + map.keys.sorted().map { "'\($0)': \(map[$0]!.pythonRepr)" }.joined(separator: ", ") + "}"
        case .union(let members): return members.map(\.pythonRepr).joined(separator: " or ")
        case .image: return "Image-file(box_layers:…)"
        case .file(let name): return name.prefix(1).uppercased() + name.dropFirst().lowercased()
        }
    }

    /// W&B's JSON of the type (`Type.to_json`).
    var json: JSONValue {
        switch self {
        case .none: return ["wb_type": "none"]
        case .number: return ["wb_type": "number"]
        case .string: return ["wb_type": "string"]
        case .boolean: return ["wb_type": "boolean"]
        case .unknown: return ["wb_type": "unknown"]
        case .list(let element, let length):
            return ["wb_type": "list", "params": ["element_type": element.json, "length": length < 0 ? .null : .int(Int64(length))]]
        case .typedDict(let map): return ["wb_type": "typedDict", "params": ["type_map": .object(map.mapValues(\.json))]]
        case .union(let members): return ["wb_type": "union", "params": ["allowed_types": .array(members.map(\.json))]]
        case .image(let parameters): return ["wb_type": "image-file", "params": parameters.json]
        case .file(let name): return ["wb_type": .string(name)]
        }
    }

    /// The type in words, for errors.
    var description: String {
        switch self {
        case .union(let members): return members.map(\.description).joined(separator: " or ")
        case .list(let element, _): return "list of \(element.description)"
        case .typedDict(let map): return "object with keys \(map.keys.sorted())"
        case .image: return "image"
        case .file(let name): return name.replacingOccurrences(of: "-file", with: "")
        case .none: return "null"
        default: return pythonRepr.lowercased()
        }
    }
}

/// The parameters of W&B's `image-file` column type: per box layer and mask layer the class ids of
/// its labels, the boxes' score names, and the class names (per layer and merged).
struct ImageTypeParameters: Sendable, Equatable {
    var boxLayers: [String: Set<Int>] = [:]
    var boxScoreKeys: Set<String> = []
    var maskLayers: [String: Set<Int>] = [:]
    var boxClassMaps: [String: [String: String]] = [:]
    var maskClassMaps: [String: [String: String]] = [:]
    var classMap: [String: String] = [:]

    init(_ image: Image) {
        for (layer, boxes) in image.boxes {
            boxLayers[layer] = Set(boxes.classLabels.keys)
            boxClassMaps[layer] = Dictionary(uniqueKeysWithValues: boxes.classLabels.map { (String($0.key), $0.value) })
            for box in boxes.boxes { boxScoreKeys.formUnion(box.scores.keys) }
        }
        for (layer, mask) in image.masks {
            maskLayers[layer] = Set(mask.classLabels.keys)
            maskClassMaps[layer] = Dictionary(uniqueKeysWithValues: mask.classLabels.map { (String($0.key), $0.value) })
        }
        // W&B's `class_map`: the labels of every box layer, then of every mask layer (later wins).
        for layer in image.boxes.keys.sorted() { for (id, name) in image.boxes[layer]!.classLabels { classMap[String(id)] = name } }
        for layer in image.masks.keys.sorted() { for (id, name) in image.masks[layer]!.classLabels { classMap[String(id)] = name } }
    }

    /// W&B's merge of two images' types (`_ImageFileType.assign_type`): unions of everything, this
    /// column's names first.
    func merging(_ other: ImageTypeParameters) -> ImageTypeParameters {
        var merged = self
        merged.boxLayers.merge(other.boxLayers) { $0.union($1) }
        merged.maskLayers.merge(other.maskLayers) { $0.union($1) }
        merged.boxScoreKeys.formUnion(other.boxScoreKeys)
        merged.classMap.merge(other.classMap) { mine, _ in mine }
        merged.boxClassMaps.merge(other.boxClassMaps) { mine, theirs in mine.merging(theirs) { first, _ in first } }
        merged.maskClassMaps.merge(other.maskClassMaps) { mine, theirs in mine.merging(theirs) { first, _ in first } }
        return merged
    }

    var json: JSONValue {
        func constant(_ value: JSONValue, isSet: Bool = false) -> JSONValue {
            ["wb_type": "const", "params": ["is_set": .bool(isSet), "val": value]]
        }
        func layers(_ layers: [String: Set<Int>]) -> JSONValue {
            .object(layers.mapValues { .array($0.sorted().map { .int(Int64($0)) }) })
        }
        func maps(_ maps: [String: [String: String]]) -> JSONValue {
            .object(maps.mapValues { .object($0.mapValues(JSONValue.string)) })
        }
        return [
            "box_layers": constant(layers(boxLayers)), "box_score_keys": constant(.array(boxScoreKeys.sorted().map(JSONValue.string)), isSet: true),
            "mask_layers": constant(layers(maskLayers)), "box_class_maps": constant(maps(boxClassMaps)),
            "mask_class_maps": constant(maps(maskClassMaps)), "class_map": constant(.object(classMap.mapValues(JSONValue.string))),
        ]
    }
}
