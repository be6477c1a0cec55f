public import CohortModel

/// A table to log, as W&B's `wandb.Table`: named columns and rows of typed cells (numbers, strings,
/// booleans, null, lists and objects, images, audio, video, HTML and 3D objects).
///
/// Logged under key `K` at step `S`, the table lands at `media/table/K_S_<hash>.table.json` in W&B's
/// table JSON (`{"columns": […], "data": […]}`) and the row holds W&B's `table-file` descriptor
/// (path, sha256, size, ncols, nrows, log_mode, and `artifact_path`/`_latest_artifact_path`). Media in
/// cells are written once by content (`media/images/<hash20>.png`, …) and appear in the table JSON as
/// their descriptors. Like W&B, every logged table is also a version of the run's `run_table`
/// artifact `run-<run id>-K`, holding `K.table.json` with the column types and the cells' files —
/// the form W&B's UI and `wandb.Api().artifact(…).get(K)` read.
///
/// Columns are typed as W&B types them: a column takes the type of its first non-null value, and a
/// row whose value does not fit (a string in a column of numbers) is refused.
///
/// ```swift
/// var table = try Table(columns: ["id", "prediction", "score"])
/// try table.addData(1, "cat", 0.93)
/// try table.addColumn("image", data: [Image(pixels: pixels, width: 8, height: 8, channels: 1)])
/// try run.log(["eval": table])
/// ```
public struct Table: Loggable, Equatable {
    /// W&B's `Table.MAX_ROWS`: the run file holds at most this many rows (the descriptor's `nrows`
    /// still counts every row, as W&B's does).
    public static let maximumLoggedRows = 10_000
    /// W&B's `Table.MAX_ARTIFACT_ROWS`: `log` refuses a larger table.
    public static let maximumRows = 200_000

    /// One cell.
    public enum Cell: Sendable, Equatable {
        /// No value (JSON `null`).
        case null
        /// A boolean.
        case bool(Bool)
        /// An integer.
        case int(Int64)
        /// A floating-point number.
        case double(Double)
        /// Text.
        case string(String)
        /// An image, written to `media/images` when the table is logged.
        case image(Image)
        /// A sound clip, written to `media/audio`.
        case audio(Audio)
        /// A video, written to `media/videos`.
        case video(Video)
        /// An HTML page, written to `media/html`.
        case html(Html)
        /// A 3D object or point cloud, written to `media/object3D`.
        case object3D(Object3D)
        /// Any other JSON (lists, objects).
        case json(JSONValue)

        /// The cell for a loggable value: media stay media; other values by their JSON.
        public init(_ value: any Loggable) {
            switch value {
            case let image as Image: self = .image(image)
            case let clip as Audio: self = .audio(clip)
            case let video as Video: self = .video(video)
            case let page as Html: self = .html(page)
            case let object as Object3D: self = .object3D(object)
            default:
                switch value.jsonValue {
                case .null: self = .null
                case .bool(let flag): self = .bool(flag)
                case .int(let number): self = .int(number)
                case .double(let number): self = .double(number)
                case .string(let text): self = .string(text)
                case let other: self = .json(other)
                }
            }
        }
    }

    /// The column names, in order.
    public private(set) var columns: [String]
    /// The rows, each with one cell per column.
    public private(set) var data: [[Cell]]
    /// Each column's W&B type, narrowed by every row added.
    private(set) var columnTypes: [TableColumnType]

    /// The number of rows.
    public var rowCount: Int { data.count }

    /// A table with `columns` and, optionally, rows.
    /// - Throws: `CohortError` `.invalidArgument` for duplicate column names or a row whose length
    ///   differs from the number of columns.
    public init(columns: [String], data: [[any Loggable]] = []) throws(CohortError) {
        guard Set(columns).count == columns.count else {
            throw .invalid("Table: the columns \(columns) have duplicate names; each column needs its own name")
        }
        self.columns = columns
        self.data = []
        columnTypes = Array(repeating: .column, count: columns.count)
        for row in data { try addData(row) }
    }

    /// Appends a row with one value per column, as W&B's `add_data`.
    /// - Throws: `CohortError` `.invalidArgument` when the count of values differs from the columns',
    ///   or a value does not fit its column's type; the table is then unchanged.
    public mutating func addData(_ values: any Loggable...) throws(CohortError) {
        try addData(values)
    }

    /// Appends a row given as an array, one value per column.
    /// - Throws: `CohortError` `.invalidArgument` when the count of values differs from the columns',
    ///   or a value does not fit its column's type; the table is then unchanged.
    public mutating func addData(_ row: [any Loggable]) throws(CohortError) {
        guard row.count == columns.count else {
            throw .invalid("Table.addData: the row has \(row.count) values but the table has \(columns.count) columns")
        }
        let cells = row.map(Cell.init)
        var types = columnTypes
        for (index, cell) in cells.enumerated() {
            types[index] = try Self.assign(cell, to: types[index], column: columns[index], operation: "addData")
        }
        columnTypes = types
        data.append(cells)
    }

    /// `type` narrowed by `cell`, or an error naming the column and both types.
    private static func assign(_ cell: Cell, to type: TableColumnType, column: String, operation: String) throws(CohortError) -> TableColumnType {
        guard let assigned = type.assigning(cell) else {
            throw .invalid(
                "Table.\(operation): a \(TableColumnType.of(cell).description) value does not fit the column \"\(column)\", which holds \(type.description) values (W&B types every column by its first value); convert the value or use another column")
        }
        return assigned
    }

    /// Adds a column, as W&B's `add_column`; a table without rows gets one row per value.
    /// - Throws: `CohortError` `.invalidArgument` when the name is taken or the count of values
    ///   differs from the number of rows.
    public mutating func addColumn(_ name: String, data values: [any Loggable]) throws(CohortError) {
        guard !columns.contains(name) else { throw .invalid("Table.addColumn: the table already has a column \"\(name)\"") }
        if columns.isEmpty || (data.isEmpty && !values.isEmpty) {
            guard data.isEmpty else { throw .invalid("Table.addColumn: a table without columns cannot have rows") }
            data = Array(repeating: [Cell](repeating: .null, count: columns.count), count: values.count)
            columnTypes = columns.map { _ in .column }
        }
        guard values.count == data.count else {
            throw .invalid("Table.addColumn: \"\(name)\" has \(values.count) values but the table has \(data.count) rows")
        }
        let cells = values.map(Cell.init)
        var type = TableColumnType.column
        for cell in cells { type = try Self.assign(cell, to: type, column: name, operation: "addColumn") }
        columns.append(name)
        columnTypes.append(type)
        for index in data.indices { data[index].append(cells[index]) }
    }

    /// The cells of the column `name`, top to bottom, as W&B's `get_column`; `nil` when there is no
    /// such column.
    public func column(named name: String) -> [Cell]? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return data.map { $0[index] }
    }

    /// W&B's table JSON without image files: image cells hold their descriptor without path fields.
    public var jsonValue: JSONValue {
        var batch = MediaBatch()
        var cells = TableCellFiles()
        // Images only fail for bad pixels; their cells then show as null.
        let contents = (try? tableJSON(key: "table", batch: &batch, cells: &cells)) ?? .null  // see the comment above
        return contents
    }

    public var containsMedia: Bool { true }

    public func write(to tape: inout LogTape) { tape.writeMedia(self) }

    /// The run file's JSON; media cells are added to `batch` at fixed paths (encoded through `cells`).
    func tableJSON(key: String, batch: inout MediaBatch, cells files: inout TableCellFiles) throws(CohortError) -> JSONValue {
        var rows: [JSONValue] = []
        rows.reserveCapacity(min(data.count, Self.maximumLoggedRows))
        for (rowIndex, row) in data.prefix(Self.maximumLoggedRows).enumerated() {
            var cells: [JSONValue] = []
            cells.reserveCapacity(row.count)
            for (column, cell) in row.enumerated() {
                if let file = try files.file(of: cell, row: rowIndex, column: column, key: key) {
                    cells.append(Self.cellFile(file, batch: &batch))
                } else {
                    cells.append(cell.plainJSON ?? .null)
                }
            }
            rows.append(.array(cells))
        }
        return ["columns": .array(columns.map(JSONValue.string)), "data": .array(rows)]
    }

    /// A cell's file, named by its content (`media/<kind>/<hash20><ext>`) so that the same value in
    /// many rows and steps is one file; its descriptor is the cell.
    private static func cellFile(_ file: MediaFile, batch: inout MediaBatch) -> JSONValue {
        var file = file
        file.fixedPath = "media/\(file.kind)/\(file.sha256.prefix(20))\(file.fileExtension)"
        _ = batch.add(file)
        return file.descriptor(step: 0)
    }
}

/// The encoded files of a table's media cells by row and column, so that the run file and the
/// `run_table` artifact encode each cell once.
struct TableCellFiles {
    private var files: [Int: [Int: MediaFile]] = [:]

    /// The file of the media `cell` at `row`, `column` (encoded the first time), or `nil` for a
    /// cell that is not media.
    mutating func file(of cell: Table.Cell, row: Int, column: Int, key: String) throws(CohortError) -> MediaFile? {
        if let file = files[row]?[column] { return file }
        let file: MediaFile
        switch cell {
        case .null, .bool, .int, .double, .string, .json: return nil
        case .image(let image): file = try image.mediaFile(key: key)
        case .audio(let clip): file = try clip.mediaFile(key: key)
        case .video(let video): file = try video.mediaFile(key: key)
        case .html(let page): file = page.mediaFile(key: key)
        case .object3D(let object): file = try object.mediaFile(key: key)
        }
        files[row, default: [:]][column] = file
        return file
    }
}

extension Table.Cell {
    /// The JSON of a cell that is not media; `nil` for media, which become files.
    var plainJSON: JSONValue? {
        switch self {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .json(let value): return value
        case .image, .audio, .video, .html, .object3D: return nil
        }
    }
}

extension Table: MediaBearing {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        guard data.count <= Self.maximumRows else {
            throw .invalid("log: the table \"\(key)\" has \(data.count) rows; W&B accepts at most \(Self.maximumRows) (Table.maximumRows)")
        }
        var cells = TableCellFiles()
        let contents = try tableJSON(key: key, batch: &batch, cells: &cells)
        let fields: [String: JSONValue] = [
            "_type": "table-file", "ncols": .int(Int64(columns.count)), "nrows": .int(Int64(data.count)),
            "log_mode": "IMMUTABLE",
        ]
        let file = MediaFile(
            bytes: JSONWriter.bytes(contents), kind: "table", fileExtension: ".table.json", key: key, fields: fields)
        let index = batch.add(file)
        batch.tables.append(try TableArtifact(table: self, key: key, runID: batch.runID, cells: &cells))
        return .table(file: index, artifact: batch.tables.count - 1)
    }
}
