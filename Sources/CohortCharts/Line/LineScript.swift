/// The JSON the page script reads: the drawn points and how they map to pixels.
///
/// ```json
/// {"scale":"linear","smoothing":0,"plot":[56,42,568,184],"x":[0,1000],"y":[0,3],
///  "xLabel":"step","series":[{"name":"loss","color":"#0072B2","x":[…],"y":[…,null]}]}
/// ```
/// `x` and `y` are the domains (`y` in `log10` on a log axis); `null` marks a gap. Series values are
/// raw (downsampled, unsmoothed), non-positive ones included on a log axis; `bands` holds
/// `{"x","low","high"}` per band.
enum LineScript {
    static func data(
        spec: LineChartSpec, series: [LinePreparedSeries], bands: [LinePreparedBand], frame: ChartFrame
    ) -> String {
        var json = "{\"scale\":\"\(spec.yScale.rawValue)\",\"smoothing\":\(ChartNumber.json(spec.smoothing))"
        json += ",\"plot\":[\(number(frame.left)),\(number(frame.top)),\(number(frame.width)),\(number(frame.height))]"
        json += ",\"x\":[\(ChartNumber.json(frame.xLower)),\(ChartNumber.json(frame.xUpper))]"
        json += ",\"y\":[\(ChartNumber.json(frame.yLower)),\(ChartNumber.json(frame.yUpper))]"
        json += ",\"xLabel\":\(ChartText.jsonString(spec.xLabel)),\"xFormat\":\"\(spec.xFormat.rawValue)\""
        json += ",\"series\":["
        for (index, line) in series.enumerated() {
            if index > 0 { json += "," }
            json += "{\"name\":\(ChartText.jsonString(line.name)),\"color\":\"\(line.color)\",\"x\":"
            json += array(line.x)
            json += ",\"y\":"
            json += array(line.y)
            json += "}"
        }
        json += "],\"bands\":["
        for (index, band) in bands.enumerated() {
            if index > 0 { json += "," }
            json += "{\"x\":" + array(band.x) + ",\"low\":" + array(band.low) + ",\"high\":" + array(band.high) + "}"
        }
        json += "]}"
        return "<script type=\"application/json\" id=\"\(ChartText.xml(spec.id))-data\">\(json)</script>"
    }

    private static func array(_ values: [Double]) -> String {
        var out = "["
        out.reserveCapacity(values.count * 8)
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            out += ChartNumber.json(value)
        }
        return out + "]"
    }

    private static func number(_ value: Double) -> String {
        ChartNumber.coordinate(value)
    }
}
