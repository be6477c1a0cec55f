/// How a line chart reduces a long series to about two points per horizontal pixel.
public enum ChartDownsampling: String, Sendable {
    /// ``Downsampler/minMax(x:y:buckets:)``: keeps every spike and every gap. The default.
    case minMax
    /// ``Downsampler/lttb(x:y:threshold:)``: a smoother-looking line of exactly the budget of points;
    /// may drop a narrow spike, and ignores gaps inside the series.
    case lttb
}
