public import CohortModel

/// A table to log, as W&B's `wandb.Table`: named columns and rows of typed cells (numbers, strings,
/// booleans, null, images, any JSON).
///
/// Logged under key `K` at step `S`, the table lands at `media/table/K_S_<hash>.table.json` in W&B's
/// table JSON (`{"columns": […], "data": […]}`) and the row holds W&B's `table-file` descriptor
/// (path, sha256, size, ncols, nrows, log_mode). Images in cells are written to
/// `media/images/<hash>.png` and appear in the table JSON as their `image-file` descriptors.
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
        /// Any other JSON (lists, objects, histograms).
        case json(JSONValue)

        /// The cell for a loggable value: an `Image` stays an image; other values by their JSON.
        public init(_ value: any Loggable) {
            if let image = value as? Image {
                self = .image(image)
                return
            }
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

    /// The column names, in order.
    public private(set) var columns: [String]
    /// The rows, each with one cell per column.
    public private(set) var data: [[Cell]]

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
        for row in data { try addData(row) }
    }

    /// Appends a row with one value per column, as W&B's `add_data`.
    /// - Throws: `CohortError` `.invalidArgument` when the count of values differs from the columns'.
    public mutating func addData(_ values: any Loggable...) throws(CohortError) {
        try addData(values)
    }

    /// Appends a row given as an array, one value per column.
    /// - Throws: `CohortError` `.invalidArgument` when the count of values differs from the columns'.
    public mutating func addData(_ row: [any Loggable]) throws(CohortError) {
        guard row.count == columns.count else {
            throw .invalid("Table.addData: the row has \(row.count) values but the table has \(columns.count) columns")
        }
        data.append(row.map(Cell.init))
    }

    /// Adds a column, as W&B's `add_column`; a table without rows gets one row per value.
    /// - Throws: `CohortError` `.invalidArgument` when the name is taken or the count of values
    ///   differs from the number of rows.
    public mutating func addColumn(_ name: String, data values: [any Loggable]) throws(CohortError) {
        guard !columns.contains(name) else { throw .invalid("Table.addColumn: the table already has a column \"\(name)\"") }
        if columns.isEmpty || (data.isEmpty && !values.isEmpty) {
            guard data.isEmpty else { throw .invalid("Table.addColumn: a table without columns cannot have rows") }
            data = Array(repeating: [Cell](repeating: .null, count: columns.count), count: values.count)
        }
        guard values.count == data.count else {
            throw .invalid("Table.addColumn: \"\(name)\" has \(values.count) values but the table has \(data.count) rows")
        }
        columns.append(name)
        for index in data.indices { data[index].append(Cell(values[index])) }
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
        // Images only fail for bad pixels; their cells then show as null.
        let contents = (try? tableJSON(key: "table", batch: &batch)) ?? .null  // see the comment above
        return contents
    }

    public var containsMedia: Bool { true }

    /// The run file's JSON; image cells are added to `batch` at fixed paths.
    func tableJSON(key: String, batch: inout MediaBatch) throws(CohortError) -> JSONValue {
        var rows: [JSONValue] = []
        rows.reserveCapacity(min(data.count, Self.maximumLoggedRows))
        for row in data.prefix(Self.maximumLoggedRows) {
            var cells: [JSONValue] = []
            cells.reserveCapacity(row.count)
            for cell in row { cells.append(try Self.json(of: cell, key: key, batch: &batch)) }
            rows.append(.array(cells))
        }
        return ["columns": .array(columns.map(JSONValue.string)), "data": .array(rows)]
    }

    private static func json(of cell: Cell, key: String, batch: inout MediaBatch) throws(CohortError) -> JSONValue {
        switch cell {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .json(let value): return value
        case .image(let image):
            let file = try image.mediaFile(key: key, contentAddressed: true)
            _ = batch.add(file)
            return file.descriptor(step: 0)
        }
    }
}

extension Table: MediaBearing {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        guard data.count <= Self.maximumRows else {
            throw .invalid("log: the table \"\(key)\" has \(data.count) rows; W&B accepts at most \(Self.maximumRows) (Table.maximumRows)")
        }
        let contents = try tableJSON(key: key, batch: &batch)
        let fields: [String: JSONValue] = [
            "_type": "table-file", "ncols": .int(Int64(columns.count)), "nrows": .int(Int64(data.count)),
            "log_mode": "IMMUTABLE",
        ]
        let file = MediaFile(
            bytes: JSONWriter.bytes(contents), kind: "table", fileExtension: ".table.json", key: key, fields: fields)
        return .file(batch.add(file))
    }
}
