/// The A4 page the printed documents share (``FormDocument``, ``ListDocument``): the notice's fonts,
/// the attachment label and the title, each document's own styles between.
enum PrintedPage {
    static func open(_ form: Form, unitName: String, style: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <title>\(HTMLRenderer.escape(form.attachment)) \(HTMLRenderer.escape(form.title)) · \(HTMLRenderer.escape(unitName))</title>
        <style>
        @page { size: A4 portrait; margin: 20mm 18mm; }
        body { font-family: "FangSong", "仿宋", "SimSun", "Songti SC", serif; font-size: 12pt; color: #000; }
        .attachment { font-family: "SimHei", "黑体", sans-serif; font-size: 14pt; }
        h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimHei", serif; font-size: 18pt; text-align: center; font-weight: normal; margin: 10pt 0 14pt; }
        \(style)
        .trace { margin-top: 14pt; font-size: 8pt; color: #444; font-family: monospace; word-break: break-all; }
        </style>
        </head>
        <body>
        <div class="attachment">\(HTMLRenderer.escape(form.attachment))</div>
        <h1>\(HTMLRenderer.escape(form.title))</h1>

        """
    }
}
