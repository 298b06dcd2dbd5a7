"""The charts' look: the house palette, series colours, dash patterns and markers, sizes and widths."""

# The house palette (cms/static/cms/css/site.css).
RED = "#a4161a"
RED_DARK = "#7d1014"
INK = "#1f2328"
MUTED = "#5b616b"
LINE = "#d9dce1"
OK = "#1e6b35"
WARN = "#8a5a00"
FOCUS = "#1a5fb4"
#: Series colours, starting from the house red.  Each has a contrast of 4.5:1 or more against
#: white (so white numbers can sit on it), and neighbours differ in hue and lightness: the two
#: series most charts have, red and blue, stay apart for red-green colour blindness.
PALETTE = (RED, FOCUS, WARN, OK, "#6a3d9a", MUTED, "#0b6470", RED_DARK)
#: Line charts tell their series apart by dash and marker as well as colour.
DASHES: tuple[tuple[float, ...], ...] = ((), (7, 4), (2, 3), (9, 3, 2, 3))
MARKERS = ("circle", "square", "triangle", "diamond")
#: Heat map: no opinions, then five steps from pale to the house red.
HEAT_ZERO = "#ffffff"
HEAT_STEPS = ("#f9dcdc", "#efaaab", "#de7073", "#c23b3f", RED)

SCREEN_WIDTH = 320
PRINT_WIDTH = 600
PNG_WIDTH = 1600
PNG_DPI = 200
FONT_SIZE = 14
HEADING_SIZE = 15
MARGIN = 8
LINE_HEIGHT = 20
BAR_HEIGHT = 16
BAR_GAP = 3
FONT_FAMILY = "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',sans-serif"
NO_DATA = "暂无数据"
