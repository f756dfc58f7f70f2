namespace Microsoft.ML.Nas.Visualization.Report;

/// <summary>The report's style sheet, inline so the file stands alone.</summary>
internal static class ReportStyle
{
    public const string Css = """
        :root { color-scheme: light; }
        body { font-family: "DejaVu Sans", Verdana, Helvetica, Arial, sans-serif; color: #212121; background: #f5f5f5; margin: 0; }
        main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; }
        header h1 { font-size: 26px; margin: 12px 0 4px; }
        .subtitle { color: #616161; margin: 0 0 12px; }
        section { background: #ffffff; border: 1px solid #e0e0e0; border-radius: 10px; padding: 12px 20px 16px; margin: 16px 0; }
        h2 { font-size: 19px; margin: 6px 0 8px; }
        h3 { font-size: 15px; margin: 14px 0 4px; color: #424242; }
        p { line-height: 1.45; margin: 6px 0; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; }
        .card { flex: 1 1 180px; border: 1px solid #e0e0e0; border-radius: 8px; padding: 10px 14px; background: #fafafa; }
        .card .label { font-size: 12px; color: #616161; text-transform: uppercase; letter-spacing: 0.04em; }
        .card .value { font-size: 22px; font-weight: bold; margin: 2px 0; }
        .card .note { font-size: 12.5px; color: #616161; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 8px 16px; }
        figure { margin: 8px 0; overflow-x: auto; }
        figure.wide svg { max-width: 100%; height: auto; }
        .grid svg { width: 100%; height: auto; }
        .picture svg { width: 100%; height: auto; max-height: 620px; }
        figcaption { font-size: 12.5px; color: #616161; }
        .warning { background: #fff3e0; border-left: 4px solid #ef6c00; padding: 8px 12px; }
        details summary { cursor: pointer; color: #1565c0; margin: 8px 0; }
        pre { background: #fafafa; border: 1px solid #eeeeee; padding: 8px 12px; overflow-x: auto; font-size: 12.5px; }
        table { border-collapse: collapse; font-size: 12.5px; }
        th, td { border-bottom: 1px solid #eeeeee; padding: 3px 8px; text-align: right; }
        th { position: sticky; top: 0; background: #fafafa; }
        td:first-child, th:first-child { text-align: left; }
        .table-wrap { max-height: 420px; overflow: auto; }
        """;
}
