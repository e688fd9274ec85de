"""The six-step figure: where a drawing of the steps as a cycle puts each step.

The templates draw it as inline SVG (templates/pdf/includes/step_cycle.svg.html); this module only
does the geometry, which a template cannot. Numbers come back as strings with a decimal point:
a template would print a float with the language's decimal comma, which SVG does not read.
"""

import math

WIDTH, HEIGHT = 1.8, 1.12  # the drawing's width and height, in circle diameters (names need room)


def cycle_figure(steps: list, size: int = 400) -> dict:
    """Where the figure draws each step: on a circle, the first at the top, going clockwise, with
    an arrow along the circle from each step to the next and from the last back to the first (the
    steps are a cycle). `size` is the circle's diameter in the SVG's own units."""
    count = len(steps)
    width, height = size * WIDTH, size * HEIGHT
    cx, cy = width / 2, height / 2
    radius, node = size * 0.4, size * 0.09
    nodes, arrows = [], []
    for index, step in enumerate(steps):
        angle = _angle(index, count)
        cos, sin = math.cos(angle), math.sin(angle)
        out = radius + node + size * 0.03  # where the name goes, outside its circle
        if abs(cos) < 0.2:  # at the top or the bottom: the name above or below
            anchor, label_x = "middle", cx + out * cos
            label_y = cy + out * sin + (size * 0.04 if sin > 0 else 0)
        else:
            anchor = "start" if cos > 0 else "end"
            label_x, label_y = cx + out * cos, cy + out * sin + size * 0.018
        nodes.append(
            {
                "step": step,
                "x": _n(cx + radius * cos),
                "y": _n(cy + radius * sin),
                "number_y": _n(cy + radius * sin + node * 0.36),
                "label_x": _n(label_x),
                "label_y": _n(label_y),
                "anchor": anchor,
            }
        )
    if count > 1:
        gap = 2 * math.asin(min(1.0, node * 0.7 / radius))  # keep the arrows clear of the circles
        for index in range(count):
            start, end = _angle(index, count) + gap, _angle(index + 1, count) - gap
            arrows.append(_arrow(cx, cy, radius, start, end, size))
    return {
        "width": _n(width),
        "height": _n(height),
        "cx": _n(cx),
        "cy": _n(cy),
        "node": _n(node),
        "font": _n(size * 0.05),
        "stroke": _n(size * 0.014),
        "number_font": _n(node),
        "nodes": nodes,
        "arrows": arrows,
    }


def _angle(index: int, count: int) -> float:
    return math.radians(-90 + 360 * index / max(count, 1))


def _arrow(cx, cy, radius, start, end, size) -> dict:
    """An arc along the circle from `start` to `end` (radians), and its head as a triangle that
    points along the circle where the arc ends."""
    head, half = size * 0.04, size * 0.022
    tip_x, tip_y = cx + radius * math.cos(end), cy + radius * math.sin(end)
    back = end - head / radius  # where the head's base meets the circle
    base_x, base_y = cx + radius * math.cos(back), cy + radius * math.sin(back)
    nx, ny = math.cos(back), math.sin(back)  # outwards, across the arc
    x1, y1 = cx + radius * math.cos(start), cy + radius * math.sin(start)
    return {
        "path": f"M {_n(x1)} {_n(y1)} A {_n(radius)} {_n(radius)} 0 0 1 {_n(base_x)} {_n(base_y)}",
        "head": " ".join(
            f"{_n(x)},{_n(y)}"
            for x, y in (
                (tip_x, tip_y),
                (base_x + nx * half, base_y + ny * half),
                (base_x - nx * half, base_y - ny * half),
            )
        ),
    }


def _n(value: float) -> str:
    return f"{value:.1f}"
