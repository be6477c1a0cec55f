public import CohortModel

/// A custom chart, as W&B's `wandb.plot_table` and `wandb.plot.line/scatter/bar/histogram/
/// confusion_matrix/line_series/pr_curve/roc_curve`: a table and the Vega spec that draws it.
///
/// Logged under key `K`, the table is logged as `K_table` (or `Custom Chart Tables/K_table` with
/// `splitTable`) and the run's config gets W&B's panel under `_wandb.visualize.K`.
///
/// ```swift
/// let table = try Table(columns: ["epoch", "loss"], data: [[1, 0.9], [2, 0.5]])
/// try run.log(["loss_curve": CustomChart.line(table, x: "epoch", y: "loss", title: "Loss")])
/// ```
public struct CustomChart: Loggable, Equatable {
    /// The data.
    public var table: Table
    /// The Vega spec, such as `wandb/line/v0`.
    public var vegaSpecName: String
    /// Spec field → table column.
    public var fields: [String: String?]
    /// Spec string settings, such as the title.
    public var stringFields: [String: String]
    /// Log the table in the "Custom Chart Tables" section.
    public var splitTable: Bool

    /// A chart of `table` drawn by `vegaSpecName`, as W&B's `plot_table`.
    public init(vegaSpecName: String, table: Table, fields: [String: String?], stringFields: [String: String] = [:], splitTable: Bool = false) {
        self.table = table
        self.vegaSpecName = vegaSpecName
        self.fields = fields
        self.stringFields = stringFields
        self.splitTable = splitTable
    }

    /// W&B's `plot.line`.
    public static func line(_ table: Table, x: String, y: String, stroke: String? = nil, title: String = "", splitTable: Bool = false) -> CustomChart {
        CustomChart(vegaSpecName: "wandb/line/v0", table: table, fields: ["x": x, "y": y, "stroke": stroke], stringFields: ["title": title], splitTable: splitTable)
    }

    /// W&B's `plot.scatter`.
    public static func scatter(_ table: Table, x: String, y: String, title: String = "", splitTable: Bool = false) -> CustomChart {
        CustomChart(vegaSpecName: "wandb/scatter/v0", table: table, fields: ["x": x, "y": y], stringFields: ["title": title], splitTable: splitTable)
    }

    /// W&B's `plot.bar`.
    public static func bar(_ table: Table, label: String, value: String, title: String = "", splitTable: Bool = false) -> CustomChart {
        CustomChart(vegaSpecName: "wandb/bar/v0", table: table, fields: ["label": label, "value": value], stringFields: ["title": title], splitTable: splitTable)
    }

    /// W&B's `plot.histogram`.
    public static func histogram(_ table: Table, value: String, title: String = "", splitTable: Bool = false) -> CustomChart {
        CustomChart(vegaSpecName: "wandb/histogram/v0", table: table, fields: ["value": value], stringFields: ["title": title], splitTable: splitTable)
    }

    /// The key the table is logged under when the chart is logged under `key`.
    func tableKey(_ key: String) -> String { splitTable ? "Custom Chart Tables/\(key)_table" : "\(key)_table" }

    /// The table's JSON; the chart itself lives in the config.
    public var jsonValue: JSONValue { table.jsonValue }

    public var containsMedia: Bool { true }

    public func write(to tape: inout LogTape) { tape.writeMedia(self) }

    /// W&B's panel for `_wandb.visualize.<key>`.
    func panel(key: String) -> JSONValue {
        let query: JSONValue = ["queryFields": [[
            "name": "runSets", "args": [["name": "runSets", "value": "${runSets}"]],
            "fields": [
                ["name": "id", "fields": []], ["name": "name", "fields": []], ["name": "_defaultColorIndex", "fields": []],
                ["name": "summaryTable", "args": [["name": "tableKey", "value": .string(tableKey(key))]], "fields": []],
            ],
        ]]]
        return ["panel_type": "Vega2", "panel_config": [
            "panelDefId": .string(vegaSpecName),
            "fieldSettings": .object(fields.mapValues { $0.map(JSONValue.string) ?? .null }),
            "stringSettings": .object(stringFields.mapValues(JSONValue.string)),
            "transform": ["name": "tableWithLeafColNames"],
            "userQuery": query,
        ]]
    }
}

extension CustomChart: MediaBearing {
    /// Nested inside a dictionary a chart logs only its table (W&B draws charts logged at the top).
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        try table.mediaTemplate(key: key, batch: &batch)
    }
}

extension Run {
    /// A custom chart of `dataTable` drawn by the Vega spec `vegaSpecName`, as W&B's
    /// `wandb.plot_table`; log it with `run.log([key: chart])`.
    public func plotTable(
        vegaSpecName: String, dataTable: Table, fields: [String: String?], stringFields: [String: String] = [:], splitTable: Bool = false
    ) -> CustomChart {
        CustomChart(vegaSpecName: vegaSpecName, table: dataTable, fields: fields, stringFields: stringFields, splitTable: splitTable)
    }
}
