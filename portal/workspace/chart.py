"""The spider chart of an assessment, drawn as SVG on the server.

Works without JavaScript and in print: every stroke, dash and fill is an SVG attribute, not CSS
(the stylesheet only sizes the chart to its column, see `.spider-chart` in portal.css). Series
differ by dash pattern and marker shape as well as colour, so years can be told apart in black
and white and by people who do not see the colours.
"""

import math
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

AXES = 6
MAX_SCORE = 5
RADIUS = 130.0
CENTRE = (240.0, 175.0)
WIDTH = 480
LABEL_GAP = 14.0
LEGEND_TOP = CENTRE[1] + RADIUS + 48
LEGEND_ROW = 26

# Up to six series; (dash pattern, marker shape, colour). Dark colours: 3:1 or more on white.
STYLES = (
    ("", "circle", "#0a3a6b"),
    ("9 5", "square", "#9e2a1c"),
    ("2 4", "triangle", "#1d6b35"),
    ("12 4 2 4", "diamond", "#5b3590"),
    ("5 5", "triangle-down", "#7a4a00"),
    ("14 6", "cross", "#333333"),
)
MARKER = 5.5  # half the marker's size


@dataclass(frozen=True)
class ChartSeries:
    label: str
    values: tuple[float | None, ...]  # one per axis, 0-5; None: not scored


def point(
    axis_index: int, score: float, *, radius: float, centre: tuple[float, float], axes: int = AXES
) -> tuple[float, float]:
    """Where `score` lies on axis `axis_index`: axis 0 points straight up, the others follow
    clockwise; 0 is the centre and MAX_SCORE the outer ring."""
    angle = -math.pi / 2 + 2 * math.pi * axis_index / axes
    distance = radius * score / MAX_SCORE
    return centre[0] + distance * math.cos(angle), centre[1] + distance * math.sin(angle)


def _n(value: float) -> str:
    # Formatted here, never in the template: the template would localise "1.5" to "1,5".
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _points(pairs) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in pairs)


def _marker(shape: str, x: float, y: float) -> dict:
    s = MARKER
    if shape == "circle":
        return {"circle": True, "cx": _n(x), "cy": _n(y), "r": _n(s)}
    # fmt: off
    corners = {
        "square": [(-s, -s), (s, -s), (s, s), (-s, s)],
        "triangle": [(0, -s * 1.2), (s * 1.1, s * 0.8), (-s * 1.1, s * 0.8)],
        "triangle-down": [(0, s * 1.2), (s * 1.1, -s * 0.8), (-s * 1.1, -s * 0.8)],
        "diamond": [(0, -s * 1.3), (s * 1.3, 0), (0, s * 1.3), (-s * 1.3, 0)],
        "cross": [
            (-s, -s / 3), (-s / 3, -s / 3), (-s / 3, -s), (s / 3, -s), (s / 3, -s / 3),
            (s, -s / 3), (s, s / 3), (s / 3, s / 3), (s / 3, s), (-s / 3, s),
            (-s / 3, s / 3), (-s, s / 3),
        ],
    }[shape]
    # fmt: on
    return {"circle": False, "points": _points((x + dx, y + dy) for dx, dy in corners)}


def _outline(values, *, radius, centre) -> str:
    """An SVG path through the scored axes; a gap where an axis is not scored (None)."""
    scored = [value is not None for value in values]
    if all(scored):
        corners = [point(i, v, radius=radius, centre=centre) for i, v in enumerate(values)]
        return "M " + " L ".join(f"{_n(x)} {_n(y)}" for x, y in corners) + " Z"
    if not any(scored):
        return ""
    # Start just after a gap, walk once round the ring, lift the pen at each gap.
    start = next(i for i in range(AXES) if scored[i] and not scored[i - 1])
    parts, pen_down = [], False
    for step in range(AXES + 1):
        i = (start + step) % AXES
        if step == AXES and not scored[i]:
            break
        if scored[i]:
            x, y = point(i, values[i], radius=radius, centre=centre)
            parts.append(f"{'L' if pen_down else 'M'} {_n(x)} {_n(y)}")
            pen_down = True
        else:
            pen_down = False
        if step == AXES - 1:
            break
    return " ".join(parts)


def _anchor(axis_index: int) -> str:
    x, _ = point(axis_index, MAX_SCORE, radius=1, centre=(0, 0))
    return "middle" if abs(x) < 0.01 else ("start" if x > 0 else "end")


def chart_context(series, *, axis_labels, title, description, chart_id="spider") -> dict:
    if len(axis_labels) != AXES:
        raise ValueError(f"a spider chart has {AXES} axes, got {len(axis_labels)} labels")
    if len(series) > len(STYLES):
        raise ValueError(f"at most {len(STYLES)} series can be told apart")
    centre, radius = CENTRE, RADIUS
    rings = []
    for score in range(MAX_SCORE + 1):
        corners = [point(i, score, radius=radius, centre=centre) for i in range(AXES)]
        lx, ly = point(0, score, radius=radius, centre=centre)
        label = {"label_x": _n(lx + 8), "label_y": _n(ly - 4)}
        rings.append({"score": score, "points": _points(corners), **label})
    axes = []
    for i, label in enumerate(axis_labels):
        ex, ey = point(i, MAX_SCORE, radius=radius, centre=centre)
        lx, ly = point(i, MAX_SCORE, radius=radius + LABEL_GAP, centre=centre)
        if ly < centre[1] - radius:  # the top label sits above the ring
            ly -= 4
        elif ly > centre[1] + radius:  # the bottom one below it
            ly += 12
        else:
            ly += 5
        axes.append(
            {
                "label": label,
                "x2": _n(ex),
                "y2": _n(ey),
                "label_x": _n(lx),
                "label_y": _n(ly),
                "anchor": _anchor(i),
            }
        )
    drawn = []
    for index, (one, (dash, shape, colour)) in enumerate(zip(series, STYLES, strict=False)):
        values = tuple(one.values)
        if len(values) != AXES:
            raise ValueError(f"series {one.label!r} has {len(values)} values, not {AXES}")
        for value in values:
            if value is not None and not 0 <= value <= MAX_SCORE:
                raise ValueError(f"series {one.label!r}: {value} is outside 0-{MAX_SCORE}")
        legend_y = LEGEND_TOP + index * LEGEND_ROW
        drawn.append(
            {
                "label": one.label,
                "dash": dash,
                "shape": shape,
                "colour": colour,
                "path": _outline(values, radius=radius, centre=centre),
                "markers": [
                    _marker(shape, *point(i, v, radius=radius, centre=centre))
                    for i, v in enumerate(values)
                    if v is not None
                ],
                "legend_y": _n(legend_y),
                "legend_text_y": _n(legend_y + 5),
                "legend_marker": _marker(shape, 60, legend_y),
            }
        )
    height = int(LEGEND_TOP + len(drawn) * LEGEND_ROW) if drawn else int(LEGEND_TOP - 16)
    return {
        "chart_id": chart_id,
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": height,
        "rings": rings,
        "axes": axes,
        "series": drawn,
        "centre_x": _n(centre[0]),
        "centre_y": _n(centre[1]),
    }


def spider_chart(
    series, *, axis_labels, title: str, description: str, chart_id: str = "spider"
) -> SafeString:
    """An inline <svg> (role="img", with <title> and <desc>): rings 0-5, six labelled axes, one
    outline per series and a legend naming each series with its line and marker. `chart_id`
    keeps ids unique when a page holds more than one chart."""
    context = chart_context(
        series, axis_labels=axis_labels, title=title, description=description, chart_id=chart_id
    )
    return render_to_string("portal/workspace/spider_chart.svg", context)
