internal import Foundation

/// Number formatting for labels (compact: `1.2k`, `3e-5`), SVG coordinates (one decimal) and JSON.
enum ChartNumber {
    /// A compact label with up to three significant digits: `0`, `0.25`, `12.5`, `1.23k`, `4M`, `3e-5`.
    static func compact(_ value: Double) -> String {
        compact(value, significant: 3)
    }

    /// A compact label with up to `significant` significant digits.
    static func compact(_ value: Double, significant: Int) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e15 || magnitude < 1e-3 { return exponent(value, significant: significant) }
        let exponentOf10 = Int(floor(log10(magnitude)))
        let decimals = max(0, significant - 1 - exponentOf10)
        let rounded = round(value, decimals: decimals)
        if abs(rounded) < 1000 { return fixed(rounded, decimals: decimals) }
        let (unit, suffix) = unit(for: abs(rounded))
        let scaled = value / unit
        let scaledDecimals = max(0, significant - 1 - Int(floor(log10(abs(scaled)))))
        return fixed(round(scaled, decimals: scaledDecimals), decimals: scaledDecimals) + suffix
    }

    /// Labels for evenly spaced ticks `step` apart: as many decimals as the step needs, in one unit.
    static func tickLabels(_ ticks: [Double], step: Double) -> [String] {
        let largest = ticks.map(abs).max() ?? 0
        guard step > 0, step.isFinite, largest < 1e15, largest >= 1e-3 || largest == 0 else {
            return ticks.map { compact($0, significant: 2) }
        }
        if step < 1e-3 { return ticks.map { compact($0, significant: 3) } }
        let (unit, suffix) = largest >= 1000 ? unit(for: largest) : (1, "")
        let decimals = max(0, -Int(floor(log10(step / unit) + 1e-9)))
        return ticks.map { tick in
            let text = fixed(round(tick / unit, decimals: decimals), decimals: decimals)
            return text == "0" ? "0" : text + suffix
        }
    }

    /// An SVG coordinate with at most one decimal (`12`, `12.5`, `-0.5`).
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return tenths(Int((min(max(value, -1e7), 1e7) * 10).rounded()))
    }

    /// `tenths / 10` with at most one decimal.
    static func tenths(_ tenths: Int) -> String {
        let whole = abs(tenths) / 10
        let fraction = abs(tenths) % 10
        let sign = tenths < 0 ? "-" : ""
        return fraction == 0 ? sign + String(whole) : sign + String(whole) + "." + String(fraction)
    }

    /// A JSON number with six significant digits, or `null` for a non-finite value.
    static func json(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    private static func exponent(_ value: Double, significant: Int) -> String {
        var power = Int(floor(log10(abs(value))))
        // In two steps: 10^power alone underflows to 0 for subnormal values.
        var mantissa = value / pow(10, Double(power / 2)) / pow(10, Double(power - power / 2))
        let decimals = max(0, min(significant, 3) - 1)
        mantissa = round(mantissa, decimals: decimals)
        if abs(mantissa) >= 10 {
            mantissa /= 10
            power += 1
        }
        return fixed(mantissa, decimals: decimals) + "e" + String(power)
    }

    private static func unit(for magnitude: Double) -> (Double, String) {
        if magnitude >= 1e12 { return (1e12, "T") }
        if magnitude >= 1e9 { return (1e9, "G") }
        if magnitude >= 1e6 { return (1e6, "M") }
        return (1e3, "k")
    }

    private static func round(_ value: Double, decimals: Int) -> Double {
        let factor = pow(10, Double(decimals))
        return (value * factor).rounded() / factor
    }

    /// `value` with `decimals` decimals, trailing zeros (and a trailing point) removed.
    private static func fixed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
