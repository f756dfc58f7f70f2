namespace Microsoft.ML.Nas.Visualization.Graphs;

/// <summary>Sizes and colours of architecture pictures, shared by the layout (which needs the sizes) and the writers.</summary>
internal static class GraphStyle
{
    public const double TitleFont = 13;
    public const double LineFont = 11.5;
    public const double LabelFont = 11;
    public const double LineHeight = 15;
    public const double PaddingX = 10;
    public const double PaddingY = 6;
    public const double LabelPadding = 3;

    /// <summary>The box that holds <paramref name="node"/>'s lines.</summary>
    public static (double Width, double Height) Measure(GraphNode node)
    {
        double width = node.Lines.Select((line, i) => SvgFormat.TextWidth(line, i == 0 ? TitleFont : LineFont, bold: i == 0)).DefaultIfEmpty(0).Max();
        return (Math.Max(48, width + 2 * PaddingX), Math.Max(1, node.Lines.Count) * LineHeight + 2 * PaddingY);
    }

    /// <summary>The box an edge label takes.</summary>
    public static (double Width, double Height) MeasureLabel(string label) =>
        (SvgFormat.TextWidth(label, LabelFont) + 2 * LabelPadding, LabelFont + 2 * LabelPadding + 2);

    /// <summary>Fill and stroke of a box.</summary>
    public static (string Fill, string Stroke) Colors(NodeKind kind) => kind switch
    {
        NodeKind.Input => ("#e8f5e9", "#2e7d32"),
        NodeKind.Output => ("#fff8e1", "#b7791f"),
        NodeKind.State => ("#e3f2fd", "#1565c0"),
        NodeKind.Operation => ("#ede7f6", "#4527a0"),
        _ => ("#f5f5f5", "#616161"),
    };

    /// <summary>
    /// The colour of an op's name: skip connections and identities red (a cell full of them is DARTS's known collapse),
    /// pools green, convolutions blue, anything else dark grey.
    /// </summary>
    public static string OpColor(string op)
    {
        string name = op.ToLowerInvariant();
        return name.Contains("skip", StringComparison.Ordinal) || name.Contains("identity", StringComparison.Ordinal) ? "#c62828"
            : name.Contains("pool", StringComparison.Ordinal) ? "#2e7d32"
            : name.Contains("conv", StringComparison.Ordinal) ? "#1565c0"
            : name == "none" ? "#9e9e9e"
            : "#37474f";
    }

    /// <summary>Stroke colour, width and dash pattern of an arrow.</summary>
    public static (string Color, double Width, string? Dash) Stroke(EdgeStyle style) => style switch
    {
        EdgeStyle.Skip => ("#c62828", 1.6, "6 3"),
        EdgeStyle.Faint => ("#b0bec5", 1.0, "3 3"),
        _ => ("#455a64", 1.4, null),
    };
}
