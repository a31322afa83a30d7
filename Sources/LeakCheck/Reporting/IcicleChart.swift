import Foundation

/// An icicle (top-down flame) chart of leaked bytes by stack, drawn as inline
/// SVG: the outermost frame at the top, each frame as wide as the bytes leaked
/// beneath it, own-code frames highlighted, a `<title>` on every frame with its
/// bytes and blocks. Click-to-zoom is the few lines of script `HTMLRenderer`
/// puts once in the page (`IcicleChart.script`).
public struct IcicleChart: Sendable {
    /// One frame of the tree; children are the frames it called.
    public struct Node: Sendable {
        public let name: String
        public let isOwn: Bool
        public var bytes = 0
        public var blocks = 0
        public var children: [Node] = []
        init(name: String, isOwn: Bool) {
            self.name = name
            self.isOwn = isOwn
        }
        /// Adds one leak along `path` (outermost frame first) below this node.
        mutating func insert(_ path: ArraySlice<(name: String, isOwn: Bool)>, bytes: Int, blocks: Int) {
            // Figures from logs: clamped, never a trap (a record can say Int.max bytes).
            self.bytes = self.bytes.addingSaturated(bytes)
            self.blocks = self.blocks.addingSaturated(blocks)
            guard let head = path.first else { return }
            var i = children.firstIndex { $0.name == head.name } ?? children.endIndex
            if i == children.endIndex {
                children.append(Node(name: head.name, isOwn: head.isOwn))
                i = children.endIndex - 1
            }
            children[i].insert(path.dropFirst(), bytes: bytes, blocks: blocks)
        }
        var depth: Int { 1 + (children.map(\.depth).max() ?? 0) }
    }

    /// The root: "all leaks", its bytes the sum of the leaks drawn.
    public let root: Node
    /// Levels below the root shown at most (deeper frames are folded into their parent).
    public static let maxDepth = 24

    /// Builds the tree from leak findings (their direct bytes, so the root
    /// equals the LEAK SUMMARY's lost bytes). Frames above the outermost own
    /// frame (thread start, libtest, the runtime) are left out: every test has them.
    public init(findings: [Finding], selector: FrameSelector, rootName: String = "all leaks", poll: RenderPoll? = nil) {
        var root = Node(name: rootName, isOwn: false)
        for f in findings {
            // Each leak walks its path and compares against the root's children.
            if poll?.shouldStop(f.stack.count + root.children.count) == true { break }
            var path = Array(f.stack.reversed())
            if let start = path.firstIndex(where: selector.isOwnCode) ?? path.firstIndex(where: { !Self.isHarness($0) })
            {
                path.removeFirst(start)
            }
            let names = path.prefix(Self.maxDepth).map { frame in
                (
                    name: frame.function ?? frame.object.map { ($0 as NSString).lastPathComponent } ?? "???",
                    isOwn: selector.isOwnCode(frame)
                )
            }
            root.insert(names[...], bytes: f.bytes ?? 0, blocks: f.blocks ?? 0)
        }
        self.root = root
    }

    /// Frames every stack starts with: the runtime, libtest, and the system
    /// libraries' thread start (`clone`, `start_thread`, `__libc_start_main`).
    static func isHarness(_ frame: Frame) -> Bool {
        if FrameSelector.isRuntime(frame) { return true }
        if let object = frame.object, object.hasPrefix("/lib/") || object.hasPrefix("/usr/lib/") { return true }
        return ["_start", "clone", "clone3", "start_thread"].contains(frame.function ?? "")
    }

    static let rowHeight = 20
    static let width = 1200

    /// The `<svg>` element; `id` names it for the page's script and for tests.
    public func svg(id: String, poll: RenderPoll? = nil) -> String {
        let rows = root.depth
        let height = rows * Self.rowHeight
        var out =
            "<svg class=\"icicle\" id=\"\(Escape.html(id))\" data-root-bytes=\"\(root.bytes)\" viewBox=\"0 0 \(Self.width) \(height)\" width=\"100%\" height=\"\(height)\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"leaked bytes by stack\">\n"
        func draw(_ n: Node, x: Double, depth: Int) {
            guard root.bytes > 0, poll?.shouldStop(1 + n.children.count) != true else { return }
            let w = Double(n.bytes) / Double(root.bytes)
            let percent = String(format: "%.1f", w * 100)
            let cls = depth == 0 ? "frame root" : n.isOwn ? "frame own" : "frame"
            out +=
                "<g class=\"\(cls)\" data-x=\"\(Self.fmt(x))\" data-w=\"\(Self.fmt(w))\" data-depth=\"\(depth)\" data-bytes=\"\(n.bytes)\" data-label=\"\(Escape.html("\(n.name) (\(Figures.grouped(n.bytes)) B)"))\">"
            out +=
                "<title>\(Escape.html(n.name))\n\(Figures.grouped(n.bytes)) bytes in \(Figures.grouped(n.blocks)) blocks (\(percent)%)</title>"
            let px = x * Double(Self.width)
            let pw = w * Double(Self.width)
            out +=
                "<rect x=\"\(Self.fmt(px))\" y=\"\(depth * Self.rowHeight)\" width=\"\(Self.fmt(max(pw - 1, 0.5)))\" height=\"\(Self.rowHeight - 1)\"/>"
            let label = Self.label(n.name, bytes: n.bytes, width: pw)
            out +=
                "<text x=\"\(Self.fmt(px + 4))\" y=\"\(depth * Self.rowHeight + 14)\">\(Escape.html(label))</text></g>\n"
            var cx = x
            for c in n.children.sorted(by: { $0.bytes > $1.bytes }) {
                draw(c, x: cx, depth: depth + 1)
                cx += Double(c.bytes) / Double(root.bytes)
            }
        }
        draw(root, x: 0, depth: 0)
        out += "</svg>\n"
        return out
    }

    /// What fits in the box at ~7 px a character; the full name is in the title.
    static func label(_ name: String, bytes: Int, width: Double) -> String {
        let full = "\(name) (\(Figures.grouped(bytes)) B)"
        let fits = Int(width / 7) - 1
        if fits >= full.count { return full }
        if fits < 4 { return "" }
        return String(full.prefix(fits - 1)) + "…"
    }

    static func fmt(_ v: Double) -> String {
        let s = String(format: "%.4f", v)
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    /// Click a frame to zoom to it, click the root to zoom out; labels are re-cut to the new widths.
    public static let script = """
        document.querySelectorAll('svg.icicle').forEach(function (svg) {
          var W = svg.viewBox.baseVal.width;
          svg.addEventListener('click', function (e) {
            var g = e.target.closest('g.frame'); if (!g) return;
            var x0 = +g.dataset.x, w0 = +g.dataset.w, d0 = +g.dataset.depth;
            svg.querySelectorAll('g.frame').forEach(function (n) {
              var x = (+n.dataset.x - x0) / w0, w = +n.dataset.w / w0, d = +n.dataset.depth;
              if (d < d0) { x = 0; w = 1; }
              var show = x > -1e-6 && x + w < 1 + 1e-6, r = n.querySelector('rect'), t = n.querySelector('text');
              n.style.display = show ? '' : 'none'; r.setAttribute('x', x * W); r.setAttribute('width', Math.max(w * W - 1, 0.5));
              t.setAttribute('x', x * W + 4); var full = n.dataset.label;
              var fits = Math.floor(w * W / 7) - 1; t.textContent = fits >= full.length ? full : fits < 4 ? '' : full.slice(0, fits - 1) + '\\u2026';
            });
          });
        });
        // `#zoom=CHART:N` opens the page zoomed on the Nth frame of a chart (a link to share, and how the test drives it).
        var zoom = location.hash.match(/^#zoom=([\\w-]+):(\\d+)$/), zs = zoom && document.getElementById(zoom[1]);
        if (zs && zs.querySelectorAll('g.frame')[+zoom[2]]) zs.querySelectorAll('g.frame')[+zoom[2]].dispatchEvent(new MouseEvent('click', { bubbles: true }));
        document.body.dataset.chartReady = String(document.querySelectorAll('svg.icicle').length);
        """
}
